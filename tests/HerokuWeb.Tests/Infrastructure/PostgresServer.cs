using Npgsql;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests: the one TEST_DATABASE_URL names when it is set, otherwise
/// a throwaway cluster made with this machine's initdb and pg_ctl on a free port and removed at the end.
/// Each test gets databases of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string UrlVariable = "TEST_DATABASE_URL";

    private const string InstallHint =
        "Install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql) or set " + UrlVariable +
        " to a server where the tests may create databases, e.g. postgres://postgres:postgres@localhost:5432/postgres.";

    private readonly List<string> _databases = [];
    private NpgsqlConnectionStringBuilder _admin = new();
    private string? _directory;
    private string? _binaries;
    private bool _forceThrowaway;

    /// <summary>True when the tests started this server themselves, so they may stop and start it.</summary>
    public bool IsThrowaway => _directory is not null;

    public int Port => _admin.Port;

    /// <summary>A server of its own that a test may stop: always a throwaway cluster, whatever TEST_DATABASE_URL says.</summary>
    public static async Task<PostgresServer> StartThrowawayAsync()
    {
        var server = new PostgresServer { _forceThrowaway = true };
        await server.InitializeAsync();
        return server;
    }

    public async ValueTask InitializeAsync()
    {
        if (!_forceThrowaway && Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url)
        {
            _admin = TestUrls.ToConnectionString(url);
            await using var connection = new NpgsqlConnection(_admin.ConnectionString);
            await connection.OpenAsync();
            return;
        }

        _binaries = FindBinaries() ?? throw new InvalidOperationException($"PostgreSQL's initdb and pg_ctl were not found. {InstallHint}");
        _directory = Directory.CreateTempSubdirectory("heroku-web-tests-pg-").FullName;
        var port = Ports.Free();
        if (IsRoot)
        {
            (await ProcessRunner.RunAsync("chown", ["postgres", _directory], _directory)).EnsureSuccess();
        }
        // Passwords required, as on Heroku Postgres, so a wrong one is refused.
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(_directory, "password");
        await File.WriteAllTextAsync(passwordFile, password);
        await RunAsServerUserAsync(Path.Combine(_binaries, "initdb"),
            ["-D", DataDirectory, "-U", "postgres", "-A", "scram-sha-256", "--pwfile", passwordFile, "-E", "UTF8", "--no-sync"]);
        File.Delete(passwordFile);
        _admin = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Password = password,
            Database = "postgres",
            SslMode = SslMode.Disable,
            Pooling = false,
        };
        await StartAsync();
    }

    /// <summary>A new, empty database; its URL as Heroku would give it, with TLS off for a local server.</summary>
    public async Task<string> CreateDatabaseAsync(string purpose)
    {
        var name = $"t_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name[..Math.Min(name.Length, 63)];
        await ExecuteAsync($"CREATE DATABASE \"{name}\"");
        lock (_databases)
        {
            _databases.Add(name);
        }
        return TestUrls.ToUrl(_admin, name);
    }

    public async Task ExecuteAsync(string sql, string? database = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(_admin.ConnectionString) { Pooling = false };
        if (database is not null)
        {
            builder.Database = database;
        }
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T?> QueryScalarAsync<T>(string databaseUrl, string sql)
    {
        await using var connection = new NpgsqlConnection(TestUrls.ToConnectionString(databaseUrl).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }

    public async Task StartAsync()
    {
        RequireThrowaway();
        await RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"),
        [
            "start", "-w", "-D", DataDirectory, "-l", Path.Combine(_directory!, "server.log"),
            "-o", $"-p {_admin.Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
        ]);
    }

    public async Task StopAsync()
    {
        RequireThrowaway();
        await RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"), ["stop", "-w", "-m", "fast", "-D", DataDirectory]);
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null)
        {
            foreach (var database in _databases)
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            }
            return;
        }

        await RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"), ["stop", "-m", "immediate", "-D", DataDirectory], check: false);
        Directory.Delete(_directory, recursive: true);
    }

    private string DataDirectory => Path.Combine(_directory!, "data");

    private void RequireThrowaway()
    {
        if (!IsThrowaway)
        {
            throw new InvalidOperationException($"This test stops and starts PostgreSQL, so it needs the throwaway server the tests start themselves: unset {UrlVariable}.");
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    // initdb and the server refuse to run as root: as root, run them as the postgres user.
    private async Task RunAsServerUserAsync(string program, string[] arguments, bool check = true)
    {
        var result = IsRoot
            ? await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], _directory!)
            : await ProcessRunner.RunAsync(program, arguments, _directory!);
        if (check)
        {
            result.EnsureSuccess();
        }
    }

    private static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl")));
        if (onPath is not null)
        {
            return onPath;
        }
        // Debian and Ubuntu keep the server binaries out of PATH.
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => Path.Combine(version, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
                .FirstOrDefault()
            : null;
    }
}
