using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>The job queue's part of <c>check</c>: its tables installed, at the version this code expects.</summary>
internal sealed class JobsCheck(DatabaseSettings settings) : IDeployCheck
{
    public async Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options)
    {
        var migrate = $"Run `{app.Environment.ApplicationName} migrate` (the release phase does).";
        int? installed;
        try
        {
            await using var connection = new NpgsqlConnection(settings.ConnectionString(app.Environment));
            await connection.OpenAsync();
            installed = await JobsSchema.InstalledVersionAsync(connection);
        }
        catch (Exception exception) when (exception is DbException or InvalidOperationException or TimeoutException)
        {
            // The database's own part of check names what is wrong with it.
            return [];
        }

        if (installed >= JobsSchema.Latest)
        {
            return installed > JobsSchema.Latest
                ? [Finding.Warning("JOBS", $"queue tables are at version {installed}, newer than this code's {JobsSchema.Latest}: expected after a rollback; otherwise this code is older than its database.")]
                : [];
        }
        if (options.Contains(DatabaseCheck<DbContext>.BeforeMigrateOption))
        {
            Console.WriteLine($"migrate installs next: the job queue's tables, version {JobsSchema.Latest}.");
            return [];
        }
        return [Finding.Error("JOBS", installed is null
            ? $"cannot be enqueued or run: the job queue's tables are not installed. {migrate}"
            : $"may fail: the job queue's tables are at version {installed}, older than this code's {JobsSchema.Latest}. {migrate}")];
    }
}
