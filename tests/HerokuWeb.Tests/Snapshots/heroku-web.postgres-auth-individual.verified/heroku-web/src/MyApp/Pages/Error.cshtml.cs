using System.Diagnostics;
using Heroku.AspNetCore;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace MyApp.Pages;

/// <summary>
/// The page for every error status, in the site's layout: an exception (500) and any empty 4xx or 5xx
/// response, which the platform's status code pages re-execute here. Clients that do not ask
/// for HTML get RFC 9457 problem details instead.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IProblemDetailsService problemDetails, IWebHostEnvironment environment) : PageModel
{
    public int Status { get; private set; }

    public string Title { get; private set; } = "";

    public string Explanation { get; private set; } = "";

    /// <summary>Something the developer can do about it; shown in Development only.</summary>
    public string? DevelopmentHint { get; private set; }

    /// <summary>Matches the request ID in the logs (heroku logs --tail).</summary>
    public string? RequestId { get; private set; }

    // Runs for every method, so a failed PUT or DELETE gets the same page as a GET.
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        var exception = HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (!reExecuted && exception is null)
        {
            // /Error requested directly: there is no error to show.
            context.Result = NotFound();
            return;
        }

        Status = Response.StatusCode;
        (Title, Explanation) = Describe(Status);
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        if (environment.IsDevelopment())
        {
            DevelopmentHint = HttpContext.Features.Get<ErrorHintFeature>()?.Hint;
        }

        if (!AcceptsHtml(Request) && await problemDetails.TryWriteAsync(new()
        {
            HttpContext = HttpContext,
            ProblemDetails = { Status = Status, Title = Title, Detail = Explanation },
        }))
        {
            context.Result = new EmptyResult();
            return;
        }

        await next();
    }

    private static bool AcceptsHtml(HttpRequest request) =>
        request.GetTypedHeaders().Accept.Any(type => type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    private static (string Title, string Explanation) Describe(int status) => status switch
    {
        StatusCodes.Status400BadRequest => ("Bad request", "The request could not be understood. If you sent a form, reload the page and try again."),
        StatusCodes.Status403Forbidden => ("Forbidden", "You are not allowed to see this page."),
        StatusCodes.Status404NotFound => ("Page not found", "There is no page at this address. Check it for typos, or start again from the home page."),
        StatusCodes.Status405MethodNotAllowed => ("Method not allowed", "This address does not accept that kind of request."),
        StatusCodes.Status429TooManyRequests => ("Too many requests", "You sent too many requests in a short time. Please wait a moment and try again."),
        StatusCodes.Status503ServiceUnavailable => ("Service unavailable", "The app cannot serve this page right now. Please try again in a moment."),
        >= 500 => ("Something went wrong", "The error has been logged. Please try again in a moment."),
        _ => (ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error", "The request could not be completed."),
    };
}
