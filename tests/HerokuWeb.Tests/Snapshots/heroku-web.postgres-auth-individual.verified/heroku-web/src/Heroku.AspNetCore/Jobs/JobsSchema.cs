using System.Globalization;
using System.Text.RegularExpressions;
using Hangfire.PostgreSql;
using Npgsql;

namespace Heroku.AspNetCore;

/// <summary>
/// The job queue's tables, in a schema of their own (<c>hangfire</c>): installed and upgraded by <c>migrate</c>, under the
/// release phase's lock (MigrateCommand.cs), with Hangfire.PostgreSql's own scripts; never by a dyno as it starts.
/// </summary>
internal sealed partial class JobsSchema : ISchemaInstaller
{
    public const string Name = "hangfire";

    /// <summary>The version this code's Hangfire.PostgreSql installs: the last of its numbered install scripts.</summary>
    public static int Latest { get; } = typeof(PostgreSqlObjectsInstaller).Assembly.GetManifestResourceNames()
        .Select(resource => InstallScript().Match(resource))
        .Where(match => match.Success)
        .Max(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    public async Task InstallAsync(NpgsqlConnection connection, ILogger logger)
    {
        if (await InstalledVersionAsync(connection) >= Latest)
        {
            return;
        }
        PostgreSqlObjectsInstaller.Install(connection, Name);
        logger.LogInformation("migrate: installed the job queue's tables (schema {Schema}, version {Version}).", Name, Latest);
    }

    /// <summary>The version installed in the database, or null when the tables are not there.</summary>
    public static async Task<int?> InstalledVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        await using (var exists = new NpgsqlCommand($"SELECT to_regclass('\"{Name}\".\"schema\"') IS NOT NULL", connection))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                return null;
            }
        }
        await using var version = new NpgsqlCommand($"SELECT max(\"version\") FROM \"{Name}\".\"schema\"", connection);
        return await version.ExecuteScalarAsync(cancellationToken) as int?;
    }

    [GeneratedRegex(@"^Hangfire\.PostgreSql\.Scripts\.Install\.v([0-9]+)\.sql$")]
    private static partial Regex InstallScript();
}
