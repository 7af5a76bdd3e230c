using System.Text.Json;

namespace Heroku.AspNetCore;

/// <summary>
/// In Development, what the Content Security Policy blocks is not silent: the policy asks the browser to report
/// each violation (<c>report-uri</c>, which every browser sends at once), and each report becomes one warning in
/// the app's log naming the page, the directive and the fix. Development only: anyone can post a report, and
/// the only reader is the developer at the console.
/// </summary>
internal static class ContentSecurityPolicyReports
{
    /// <summary>Where browsers post reports: the policy's <c>report-uri</c>.</summary>
    public const string Path = "/csp-report";

    /// <summary>A browser's report is the policy it quotes and a few short fields; anything larger is not read.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private const int MaxFieldLength = 200;

    public static WebApplication MapContentSecurityPolicyReports(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Heroku.AspNetCore.ContentSecurityPolicy");
        app.MapPost(Path, async (HttpContext context) =>
        {
            var body = await ReadAtMostAsync(context.Request, MaxBodyBytes);
            if (body is null)
            {
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            }
            if (Violation.Parse(body) is not { } violation)
            {
                return Results.BadRequest();
            }
            // A browser extension's own scripts and styles break the page's policy too; nothing in the app to fix.
            if (!violation.FromBrowserExtension)
            {
                logger.LogWarning("The Content Security Policy blocked {Blocked} on {Page} ({Where}): {Fix}. See the README, \"Security\".",
                    violation.Blocked, violation.Page, violation.Where, violation.Fix);
            }
            return Results.NoContent();
        });
        return app;
    }

    // The body, or null when it is longer than maxBytes (read no further than that).
    private static async Task<byte[]?> ReadAtMostAsync(HttpRequest request, int maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }
        var buffer = new byte[maxBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
        {
            length += read;
        }
        return length > maxBytes ? null : buffer[..length];
    }

    /// <summary>One report, as <c>report-uri</c> sends it: <c>{"csp-report": {"document-uri": ..., ...}}</c>.</summary>
    internal sealed record Violation(string Blocked, string Page, string Where, string Fix, bool FromBrowserExtension)
    {
        public static Violation? Parse(byte[] body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                return json.RootElement is { ValueKind: JsonValueKind.Object } root
                    && root.TryGetProperty("csp-report", out var report) && report.ValueKind == JsonValueKind.Object
                    ? Explain(report)
                    : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static Violation Explain(JsonElement report)
        {
            var documentUri = Text(report, "document-uri");
            var blockedUri = Text(report, "blocked-uri");
            // Browsers that predate effective-directive name it first in violated-directive.
            var directive = Shorten(Text(report, "effective-directive") is { Length: > 0 } effective
                ? effective
                : Text(report, "violated-directive").Split(' ')[0]);
            // script-src-elem and script-src-attr fall back to script-src, which is what the app configures.
            var configured = directive.Replace("-elem", "", StringComparison.Ordinal).Replace("-attr", "", StringComparison.Ordinal);
            var element = configured switch { "script-src" => "script", "style-src" => "style", _ => null };
            var page = Uri.TryCreate(documentUri, UriKind.Absolute, out var document) ? Shorten(document.AbsolutePath) : "an unknown page";
            var line = report.TryGetProperty("line-number", out var number) && number.TryGetInt32(out var n) ? $", line {n}" : "";
            var extension = IsExtension(Text(report, "source-file")) || IsExtension(blockedUri);

            if (blockedUri == "inline" && element is not null)
            {
                if (directive.EndsWith("-attr", StringComparison.Ordinal))
                {
                    return element == "script"
                        ? new("an event handler attribute (onclick=...)", page, directive + line,
                            "attach the handler from a script in Assets/js with addEventListener", extension)
                        : new("a style=\"...\" attribute", page, directive + line,
                            "move the rule to a class in Assets/css, or into a <style asp-add-nonce> block", extension);
                }
                return HasNonce(Text(report, "original-policy"), configured)
                    ? new($"an inline <{element}>", page, directive + line, $"add asp-add-nonce to the <{element}> tag", extension)
                    : new($"an inline <{element}>", page, directive + line,
                        $"the policy's {configured} has no nonce: a {configured} given to UseHeroku(contentSecurityPolicy: ...) replaces "
                        + "the platform's, so add .WithNonce() to it", extension);
            }
            if (blockedUri is "eval" or "wasm-eval")
            {
                return new("eval() or new Function()", page, directive, "run code from a script file instead of from a string", extension);
            }
            // A URL's origin, or a scheme (browsers send data: and blob: as "data" and "blob"): what a directive lists.
            var source = Shorten(Uri.TryCreate(blockedUri, UriKind.Absolute, out var blocked) && blocked.Authority.Length > 0
                ? blocked.GetLeftPart(UriPartial.Authority)
                : blockedUri.TrimEnd(':') + ":");
            return new(source, page, directive,
                $"serve it from the app, or allow {source} in {configured} with UseHeroku(contentSecurityPolicy: ...)", extension);
        }

        // The policy's sources for a directive, or default-src's when it has none, as browsers read it.
        private static bool HasNonce(string policy, string directive)
        {
            var directives = policy.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(entry => entry.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(tokens => tokens.Length > 0)
                .ToLookup(tokens => tokens[0].ToLowerInvariant(), tokens => tokens[1..]);
            var sources = directives[directive].FirstOrDefault() ?? directives["default-src"].FirstOrDefault() ?? [];
            return sources.Any(source => source.StartsWith("'nonce-", StringComparison.OrdinalIgnoreCase));
        }

        private static bool IsExtension(string uri) =>
            uri.StartsWith("chrome-extension:", StringComparison.OrdinalIgnoreCase)
            || uri.StartsWith("moz-extension:", StringComparison.OrdinalIgnoreCase)
            || uri.StartsWith("safari-web-extension:", StringComparison.OrdinalIgnoreCase);

        private static string Text(JsonElement report, string name) =>
            report.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

        private static string Shorten(string text) => LogText.Shorten(text, MaxFieldLength);
    }
}
