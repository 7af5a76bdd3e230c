using MyApp.Settings;

namespace MyApp.Pages;

public static class ErrorPages
{
    public static WebApplication UseErrorPages(this WebApplication app, AppSettings settings)
    {
        if (settings.Debug)
        {
            app.UseDeveloperExceptionPage();
            if (!app.Environment.IsDevelopment())
            {
                app.Logger.LogWarning("DEBUG is on outside Development: every visitor sees detailed error pages.");
            }
            else
            {
                // The error page for a database that lacks migrations offers to apply them.
                app.UseMigrationsEndPoint();
            }
        }
        else
        {
            app.UseExceptionHandler("/Error");
        }

        // Every empty error response (404, 405, 400 from a bad form, 429, 503…) gets Pages/Error too,
        // with its status code kept.
        app.UseStatusCodePagesWithReExecute("/Error");
        return app;
    }
}
