namespace Heroku.AspNetCore;

/// <summary>Email from <c>EMAIL_URL</c> or an email add-on, for an app on Heroku.</summary>
public static class EmailExtensions
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/>, which sends through the server that <paramref name="settings"/> name (TLS
    /// as the URL says, a timeout), or writes each message to the log with <c>consolemail://</c> or, in
    /// Development, when no server is set; and adds the server to <c>check</c>.
    /// </summary>
    public static WebApplicationBuilder AddHerokuEmail(this WebApplicationBuilder builder, EmailSettings settings)
    {
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<EmailSender>();
        builder.Services.AddSingleton<IEmailSender>(services => services.GetRequiredService<EmailSender>());
        builder.Services.AddSingleton<IDeployCheck, EmailCheck>();
        return builder;
    }
}
