namespace Heroku.AspNetCore;

internal static class ErrorPages
{
    /// <summary>
    /// DEBUG=true shows detailed error pages, like Django's DEBUG; everyone else sees the app's error page,
    /// which also renders every empty error status (404, 405, 400 from a bad form, 429, 503…), its status kept.
    /// </summary>
    public static WebApplication UseErrorPages(this WebApplication app, HerokuSettings settings, string errorPage)
    {
        if (settings.Debug)
        {
            app.UseDeveloperExceptionPage();
            if (!app.Environment.IsDevelopment())
            {
                app.Logger.LogWarning("DEBUG is on outside Development: every visitor sees detailed error pages.");
            }
        }
        else
        {
            app.UseExceptionHandler(errorPage);
        }
        app.UseStatusCodePagesWithReExecute(errorPage);
        return app;
    }
}

/// <summary>
/// What to do about an error, for the developer: the app's error page shows it in Development
/// (e.g. which service to start when one cannot be reached).
/// </summary>
/// <param name="Hint">One or two sentences, with the command to run.</param>
public sealed record ErrorHintFeature(string Hint);
