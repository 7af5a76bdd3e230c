using Microsoft.AspNetCore.StaticAssets;
using Microsoft.Extensions.Primitives;

namespace Heroku.AspNetCore;

/// <summary>
/// Static files are served as soon as routing finds them, as whitenoise serves Django's: they skip error
/// pages, cookie rules, rate limits, sign-in and the page headers, and get the two headers that apply to a
/// stylesheet, a script or an image (HSTS comes before routing, from UseHsts). A file that a browser opens
/// as a page (HTML, SVG, XML, PDF) takes no shortcut: it passes the whole pipeline and gets every page header.
/// </summary>
internal static class StaticFiles
{
    // Made once: a file's headers cost no allocation per request.
    private static readonly StringValues NoSniff = "nosniff";
    private static readonly StringValues StrictOriginWhenCrossOrigin = "strict-origin-when-cross-origin";

    /// <summary>The fingerprinted, precompressed files that MapStaticAssets serves, first.</summary>
    public static StaticAssetsEndpointConventionBuilder MapStaticFiles(this WebApplication app)
    {
        var assets = app.MapStaticAssets();
        var files = new OnlyFiles(assets);
        files.ShortCircuit();
        files.Add(endpoint =>
        {
            var serve = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = NoSniff;
                headers["Referrer-Policy"] = StrictOriginWhenCrossOrigin;
                return serve(context);
            };
        });
        return assets;
    }

    private static bool IsPage(EndpointBuilder endpoint) =>
        endpoint.Metadata.OfType<StaticAssetDescriptor>().SelectMany(asset => asset.ResponseHeaders)
            .Any(header => header.Name == "Content-Type" && OpensAsPage(header.Value));

    /// <summary>HTML, PDF, and XML of any kind (SVG, XHTML, feeds), which a browser can open and frame as a page.</summary>
    private static bool OpensAsPage(string contentType)
    {
        var mediaType = contentType.Split(';')[0].Trim();
        return mediaType is "text/html" or "application/pdf"
            || mediaType.EndsWith("/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Applies conventions to every file but the pages.</summary>
    private sealed class OnlyFiles(IEndpointConventionBuilder files) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention) =>
            files.Add(endpoint =>
            {
                if (!IsPage(endpoint))
                {
                    convention(endpoint);
                }
            });
    }
}
