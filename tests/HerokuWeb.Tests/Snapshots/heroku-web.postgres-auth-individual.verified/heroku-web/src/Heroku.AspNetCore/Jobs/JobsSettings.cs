namespace Heroku.AspNetCore;

/// <summary>The environment variables of background jobs, declared like the rest of the app's settings.</summary>
/// <param name="env">The reader of the app's settings type.</param>
public sealed class JobsSettings(SettingsReader env)
{
    /// <summary>The password of the jobs dashboard at <c>/jobs</c>. Unset: the dashboard is served in Development only.</summary>
    public string? DashboardPassword { get; } = env.Optional<string?>("JOBS_PASSWORD", null, Parse.StrongSecret, secret: true,
        help: "a random string of at least 32 characters, e.g. from `openssl rand -base64 32` (unset, /jobs answers 404 outside Development)");

    /// <summary>
    /// How long a job stays with a worker that has stopped saying it is alive (killed, crashed) before another
    /// worker runs it again. A worker that is alive renews its hold every fifth of this, however long its job runs.
    /// </summary>
    public TimeSpan VisibilityTimeout { get; } = env.Optional("JOBS_VISIBILITY_TIMEOUT", TimeSpan.FromMinutes(3),
        text => TimeSpan.FromSeconds(Parse.Integer(text, 30, 3600)),
        help: "seconds, a whole number from 30 to 3600 (default 180)");
}
