using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// A database that is down, hung, out of connections, not created yet or refusing DATABASE_URL's user and
/// password is an outage, not a bug in the page that asked for it: the visitor gets the 503 page with a
/// Retry-After rather than a 500, the router's metrics tell the two apart, and in Development the page says
/// what to start or fix.
/// </summary>
internal static class DatabaseUnavailable
{
    private const string RetryAfterSeconds = "10";

    /// <summary>Inside the error pages (ErrorPages.cs), which render the 503 this sets.</summary>
    public static WebApplication UseDatabaseUnavailablePage(this WebApplication app)
    {
        var page = new UnavailablePage(app.Services.GetRequiredService<DatabaseSettings>().Url, $"src/{app.Environment.ApplicationName}", app.Logger);
        app.Use(page.InvokeAsync);
        return app;
    }

    /// <summary>
    /// Passes every request on, and turns an outage into the 503. It has no async frame of its own (it does not
    /// await the request): the developer exception page lists every frame an exception passes through, and
    /// this one, with its source, would head the list above the page that failed. Hidden, for an exception
    /// thrown before the request's first await.
    /// </summary>
    [StackTraceHidden]
    private sealed class UnavailablePage
    {
        private readonly NpgsqlConnectionStringBuilder _url;
        private readonly string _project;
        private readonly ILogger _logger;
        // Made once: a request that completes later costs one continuation, no delegate.
        private readonly Func<Task, object?, Task> _respondOrPassOn;

        public UnavailablePage(NpgsqlConnectionStringBuilder url, string project, ILogger logger)
        {
            _url = url;
            _project = project;
            _logger = logger;
            _respondOrPassOn = (request, context) =>
                request.Exception?.InnerException is { } exception && TryRespond((HttpContext)context!, exception) ? Task.CompletedTask : request;
        }

        public Task InvokeAsync(HttpContext context, RequestDelegate next)
        {
            Task request;
            try
            {
                request = next(context);
            }
            catch (Exception exception) when (TryRespond(context, exception))
            {
                return Task.CompletedTask;
            }
            if (request.IsCompletedSuccessfully)
            {
                return request;
            }
            // A failure this page does not handle goes on as it came, its stack trace untouched.
            return request.ContinueWith(_respondOrPassOn, context, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .Unwrap();
        }

        // Sets the 503 and says so, when the exception is an outage and the response can still become the error page.
        private bool TryRespond(HttpContext context, Exception exception)
        {
            if (Cause(exception) is not { } cause || context.Response.HasStarted)
            {
                return false;
            }
            // One line with the cause and no stack trace: the database failed, not the code. PostgreSQL's
            // message names the user, never the password.
            if (IsRefusedLogin(cause))
            {
                _logger.LogError(cause, "The database at {Host}:{Port} refused the user name or password in DATABASE_URL.", _url.Host, _url.Port);
            }
            else
            {
                _logger.LogError(cause, "The database at {Host}:{Port} is unavailable.", _url.Host, _url.Port);
            }
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            // Set as the response starts: the error page is rendered from empty headers.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return Task.CompletedTask;
            });
            context.Features.Set(new ErrorHintFeature(cause switch
            {
                PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                    $"The database \"{_url.Database}\" does not exist yet. In the app's folder, this creates it and its tables: "
                    + $"dotnet run --project \"{_project}\" -- migrate",
                _ when IsRefusedLogin(cause) => $"{LoginRefused(_url, cause.Message)} {WhatToCorrectLocally}",
                _ => $"{CannotBeReached(_url, cause.Message)} {WhatToStart} Then: dotnet run --project \"{_project}\" -- migrate",
            }));
            return true;
        }
    }

    /// <summary>Where PostgreSQL was looked for, never with the password, and why it failed.</summary>
    internal static string CannotBeReached(NpgsqlConnectionStringBuilder url, string reason) =>
        $"PostgreSQL at {url.Host}:{url.Port} cannot be reached ({reason}).";

    /// <summary>What a developer starts when PostgreSQL cannot be reached: said by the 503 page and by <c>migrate</c>.</summary>
    internal const string WhatToStart = "Is it running? In the app's folder, docker compose up -d starts the one in compose.yaml; "
        + "for a server of your own, see the README's \"Run it\" and point DATABASE_URL in .env at it.";

    /// <summary>What to do when PostgreSQL cannot be reached: in Development, <see cref="WhatToStart"/>; deployed, what to check.</summary>
    internal static string WhatToDo(IHostEnvironment environment) => environment.IsDevelopment() ? WhatToStart
        : "Check DATABASE_URL, and the database's state with heroku pg:info.";

    /// <summary>Whether no connection could be made: refused, no such host or socket, or no answer in time.</summary>
    internal static bool IsUnreachable(Exception exception) => exception switch
    {
        NpgsqlException { InnerException: SocketException or TimeoutException } => true,
        // EF Core's word for a failure that may pass, around Npgsql's.
        InvalidOperationException { InnerException: { } inner } => IsUnreachable(inner),
        _ => false,
    };

    // Npgsql marks as transient what may pass by itself: timeouts, refused or broken connections (08), an
    // exhausted pool, a server starting, shutting down or out of connections (57P0x, 53300). What only the
    // operator can fix is an outage too: a missing database, or a user or password the server refuses (28), as
    // when DATABASE_URL was set by hand and the credentials have since rotated. A missing table (the release
    // phase migrates before a release runs; /readyz reports pending migrations), a denied privilege or a bad
    // query is a bug and stays a 500.
    private static Exception? Cause(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } missing => missing,
        PostgresException refused when IsRefusedLogin(refused) => refused,
        NpgsqlException { IsTransient: true } transient => transient,
        // EF Core's wrappers, and the job client's around a failed enqueue.
        DbUpdateException or InvalidOperationException or Hangfire.BackgroundJobClientException when exception.InnerException is { } inner => Cause(inner),
        _ => null,
    };

    /// <summary>Whether the server answered and refused DATABASE_URL's user name or password.</summary>
    internal static bool IsRefusedLogin(Exception exception) => exception switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } => true,
        InvalidOperationException { InnerException: { } inner } => IsRefusedLogin(inner),
        _ => false,
    };

    /// <summary>Which server refused DATABASE_URL's login, never with the password, and why.</summary>
    internal static string LoginRefused(NpgsqlConnectionStringBuilder url, string reason) =>
        $"PostgreSQL at {url.Host}:{url.Port} refused the user name or password in DATABASE_URL ({reason}).";

    /// <summary>What to correct when the login is refused: said by the 503 page, <c>migrate</c> and <c>check</c>.</summary>
    internal static string WhatToCorrect(IHostEnvironment environment) => environment.IsDevelopment() ? WhatToCorrectLocally
        : "Check DATABASE_URL against heroku pg:credentials:url.";

    private const string WhatToCorrectLocally = "Correct them in .env; the PostgreSQL that docker compose starts takes those in compose.yaml, "
        + "and the README's \"Run it\" gives one installed without Docker the login .env expects.";
}
