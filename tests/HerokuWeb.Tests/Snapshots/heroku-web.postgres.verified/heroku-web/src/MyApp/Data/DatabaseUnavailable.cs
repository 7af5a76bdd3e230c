using System.Net.Sockets;
using Npgsql;
using MyApp.Pages;
using MyApp.Settings;

namespace MyApp.Data;

/// <summary>
/// A database that cannot be reached is an outage, not a bug in the page that asked for it: the visitor
/// gets the 503 page instead of an exception, and in Development it says what to start.
/// </summary>
public static class DatabaseUnavailable
{
    public static WebApplication UseDatabaseUnavailablePage(this WebApplication app, AppSettings settings)
    {
        var url = settings.DatabaseUrl;
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception exception) when (Cause(exception) is { } cause && !context.Response.HasStarted)
            {
                app.Logger.LogError("The database at {Host}:{Port} is unavailable: {Cause}", url.Host, url.Port, cause.Message);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Features.Set(new ErrorHintFeature(cause is PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName }
                    ? $"The database \"{url.Database}\" does not exist yet: `dotnet run -- migrate` creates it and its tables."
                    : $"Nothing answers at {url.Host}:{url.Port}. Start PostgreSQL there: `docker compose up -d` runs the one in compose.yaml, " +
                      "or point DATABASE_URL in .env at a server of your own; then run `dotnet run -- migrate`."));
            }
        });
        return app;
    }

    // Connection failures only (refused, timed out, no such database); a failing query is a bug and stays a 500.
    private static Exception? Cause(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is NpgsqlException { InnerException: SocketException or TimeoutException }
                or PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.CannotConnectNow })
            {
                return current;
            }
        }
        return null;
    }
}
