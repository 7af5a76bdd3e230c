namespace Heroku.AspNetCore;

/// <summary>Email's part of <c>check</c>: a server to send with, that takes the connection and login, and a real sender address.</summary>
internal sealed class EmailCheck(EmailSettings settings, EmailSender sender) : IDeployCheck
{
    public async Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var deployed = !app.Environment.IsDevelopment();
        switch (settings.Server)
        {
            case null when deployed:
                return [Finding.Warning("EMAIL_URL",
                    "is not set, and no Mailgun add-on or SENDGRID_API_KEY stands in: every email the app sends fails. Set one (README, \"Email\").")];
            case { Backend: EmailBackend.Console } when deployed:
                return [Finding.Warning("EMAIL_URL", "is consolemail://: email is written to the log and never sent.")];
            case { Backend: EmailBackend.Smtp } server:
                // Connects, starts TLS and logs in, as a send would, and sends nothing.
                var findings = new List<Finding>();
                if (await sender.VerifyAsync(server) is { } cause)
                {
                    findings.Add(Finding.Error(server.Source, $"cannot be used: at {server}, {cause}."));
                }
                if (deployed && settings.DefaultFromEmail.Domain is var domain && !domain.Contains('.'))
                {
                    findings.Add(Finding.Warning("DEFAULT_FROM_EMAIL",
                        $"is {settings.DefaultFromEmail.Address}: mail services refuse a sender at {domain}, or file its email as spam. "
                        + "Set an address at a domain your mail service sends for."));
                }
                return findings;
            default:
                return [];
        }
    }
}
