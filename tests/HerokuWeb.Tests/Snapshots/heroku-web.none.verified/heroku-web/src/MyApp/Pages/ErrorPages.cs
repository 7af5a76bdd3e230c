using MyApp.Settings;

namespace MyApp.Pages;

public static class ErrorPages
{
    public static WebApplication UseErrorPages(this WebApplication app, AppSettings settings)
    {
        if (!settings.Debug)
        {
            app.UseExceptionHandler("/Error");
            return app;
        }

        app.UseDeveloperExceptionPage();
        if (!app.Environment.IsDevelopment())
        {
            app.Logger.LogWarning("DEBUG is on outside Development: every visitor sees detailed error pages.");
        }
        return app;
    }
}
