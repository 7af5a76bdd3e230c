using Npgsql;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests: the one TEST_DATABASE_URL names when it is set, otherwise
/// a throwaway cluster made with this machine's initdb and pg_ctl on a free port and removed at the end.
/// Each test gets databases of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// Started on first use, not when the run starts: on a machine without PostgreSQL only the tests that
/// need it fail, each saying what to install, and the others never wait for a cluster.
/// </remarks>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string UrlVariable = "TEST_DATABASE_URL";

    private const string InstallHint =
        "Install the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql) or set " + UrlVariable +
        " to a server where the tests may create databases, e.g. postgres://postgres:postgres@localhost:5432/postgres.";

    private readonly List<string> _databases = [];
    private readonly Lock _startLock = new();
    private readonly bool _forceThrowaway;
    private Task? _started;
    private NpgsqlConnectionStringBuilder _admin = new();
    private TemporaryDirectory? _directory;
    private string? _binaries;
    private bool _paused;

    public PostgresServer()
    {
    }

    private PostgresServer(bool forceThrowaway) => _forceThrowaway = forceThrowaway;

    private PostgresServer(string superuser, string hostAuthentication)
        : this(forceThrowaway: true) => _installed = (superuser, hostAuthentication);

    private readonly (string Superuser, string HostAuthentication)? _installed;

    /// <summary>A server of its own that a test may stop: always a throwaway cluster, whatever TEST_DATABASE_URL says.</summary>
    public static async Task<PostgresServer> StartThrowawayAsync()
    {
        var server = new PostgresServer(forceThrowaway: true);
        try
        {
            await server.EnsureStartedAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A throwaway cluster as a package manager leaves a new install, to follow set-up instructions against:
    /// <paramref name="superuser"/> is its only login, with no password, trusted on the local socket; over TCP on
    /// localhost, <paramref name="hostAuthentication"/> decides (<c>scram-sha-256</c>, a password, as Debian's
    /// package asks; <c>trust</c>, none, as Postgres.app). <see cref="RunClientAsync"/> runs psql and the like as that login.
    /// </summary>
    public static async Task<PostgresServer> StartAsInstalledAsync(string superuser, string hostAuthentication)
    {
        var server = new PostgresServer(superuser, hostAuthentication);
        try
        {
            await server.EnsureStartedAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>The port it listens on.</summary>
    public int Port => _admin.Port;

    /// <summary>
    /// Runs a shell command line with PostgreSQL's client programs on PATH and PGHOST, PGPORT and PGUSER set
    /// for this server's local socket and superuser, as a shell on the server's own machine has them.
    /// </summary>
    public async Task<ProcessResult> RunClientAsync(string commandLine)
    {
        await EnsureStartedAsync();
        RequireThrowaway();
        return await ProcessRunner.RunAsync("bash", ["-c", commandLine], _directory!.Path, new Dictionary<string, string>
        {
            ["PATH"] = $"{_binaries}:{Environment.GetEnvironmentVariable("PATH")}",
            ["PGHOST"] = _directory.Path,
            ["PGPORT"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = _admin.Username!,
            ["PGDATABASE"] = "",
            ["PGPASSWORD"] = "",
        });
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

    /// <summary>The URL of a database that does not exist yet, dropped at the end like those <see cref="CreateDatabaseAsync"/> makes.</summary>
    public async Task<string> NewDatabaseUrlAsync(string purpose)
    {
        await EnsureStartedAsync();
        var name = $"t_{purpose}_{Guid.NewGuid():N}".ToLowerInvariant();
        name = name[..Math.Min(name.Length, 58)];
        lock (_databases)
        {
            _databases.Add(name);
            // Where the generated tests make theirs: the database name with _test appended.
            _databases.Add(name + "_test");
        }
        return TestUrls.ToUrl(_admin, name);
    }

    public async Task ExecuteAsync(string sql, string? database = null)
    {
        await EnsureStartedAsync();
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
        await EnsureStartedAsync();
        await using var connection = new NpgsqlConnection(TestUrls.ToConnectionString(databaseUrl).ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        // SQL NULL is null; a value of another type than asked for fails rather than passing as null.
        return await command.ExecuteScalarAsync() switch
        {
            null or DBNull => default,
            var value => (T)value,
        };
    }

    /// <summary>Stops the throwaway cluster, as when the database goes away under a running app.</summary>
    public async Task StopAsync()
    {
        await EnsureStartedAsync();
        RequireThrowaway();
        await RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"), ["stop", "-w", "-m", "fast", "-D", DataDirectory]);
    }

    /// <summary>
    /// Stops every process of the throwaway cluster with SIGSTOP, as when its host hangs: connections stay
    /// open and accepted, and nothing answers. <see cref="ResumeAsync"/> (or disposing) lets it go on.
    /// </summary>
    public async Task PauseAsync() => await SignalClusterAsync("STOP");

    public async Task ResumeAsync() => await SignalClusterAsync("CONT");

    private async Task SignalClusterAsync(string signal)
    {
        await EnsureStartedAsync();
        RequireThrowaway();
        // The postmaster's process id is the first line of postmaster.pid; the backends are its children.
        var postmaster = (await File.ReadAllLinesAsync(Path.Combine(DataDirectory, "postmaster.pid")))[0].Trim();
        var children = await ProcessRunner.RunAsync("pgrep", ["-P", postmaster], _directory!.Path);
        var processes = children.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        (await ProcessRunner.RunAsync("kill", [$"-{signal}", postmaster, .. processes], _directory!.Path)).EnsureSuccess();
        _paused = signal == "STOP";
    }

    public async ValueTask DisposeAsync()
    {
        Task? started;
        lock (_startLock)
        {
            started = _started;
        }
        if (started is null)
        {
            return;
        }
        try
        {
            await started;
        }
        catch (Exception)
        {
            // It never ran: only its directory, if any, is left to remove.
        }

        if (_directory is null)
        {
            if (started.IsCompletedSuccessfully)
            {
                foreach (var database in _databases)
                {
                    await ExecuteAsync($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
                }
            }
            return;
        }

        if (_paused)
        {
            await ResumeAsync();
        }
        await RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"), ["stop", "-m", "immediate", "-D", DataDirectory], check: false);
        _directory.Dispose();
    }

    // One start for every caller, however many tests ask at once; a failed start fails each of them the same way.
    private Task EnsureStartedAsync()
    {
        lock (_startLock)
        {
            return _started ??= Task.Run(InitializeAsync);
        }
    }

    private async Task InitializeAsync()
    {
        if (!_forceThrowaway && Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url)
        {
            _admin = TestUrls.ToConnectionString(url);
            await using var connection = new NpgsqlConnection(_admin.ConnectionString);
            try
            {
                await connection.OpenAsync();
            }
            catch (NpgsqlException exception)
            {
                throw new InvalidOperationException($"{UrlVariable} names a server that refused a connection: {exception.Message} {InstallHint}", exception);
            }
            return;
        }

        _binaries = FindBinaries() ?? throw new InvalidOperationException($"PostgreSQL's initdb and pg_ctl were not found. {InstallHint}");
        _directory = TemporaryDirectory.Create("heroku-web-tests-pg-");
        var directory = _directory.Path;
        var port = Ports.Free();
        if (IsRoot)
        {
            (await ProcessRunner.RunAsync("chown", ["postgres", directory], directory)).EnsureSuccess();
        }
        if (_installed is var (superuser, hostAuthentication))
        {
            await RunAsServerUserAsync(Path.Combine(_binaries, "initdb"),
                ["-D", DataDirectory, "-U", superuser, "--auth-local=trust", $"--auth-host={hostAuthentication}", "-E", "UTF8", "--no-sync"]);
            _admin = new NpgsqlConnectionStringBuilder { Host = "localhost", Port = port, Username = superuser };
            await StartServerAsync(port, chosen => $"-p {chosen} -k {directory} -c listen_addresses=localhost -c fsync=off");
            return;
        }
        // Passwords required, as on Heroku Postgres, so a wrong one is refused.
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        var passwordFile = Path.Combine(directory, "password");
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
        await StartServerAsync(port, chosen =>
            $"-p {chosen} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");
    }

    // Ports.Free only finds a port that was free: another process may take it before the server binds it. Then the
    // server tries another; any other failure is reported with the server's own log, which says why.
    private async Task StartServerAsync(int port, Func<int, string> options)
    {
        var log = Path.Combine(_directory!.Path, "server.log");
        for (var attempt = 1; ; attempt++)
        {
            var result = await RunAsServerUserAsync(Path.Combine(_binaries!, "pg_ctl"), ["start", "-w", "-D", DataDirectory, "-l", log, "-o", options(port)], check: false);
            if (result.ExitCode == 0)
            {
                _admin.Port = port;
                return;
            }
            var written = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)";
            if (attempt < 4 && written.Contains("Address already in use", StringComparison.Ordinal))
            {
                port = Ports.Free();
                continue;
            }
            throw new InvalidOperationException($"PostgreSQL did not start on port {port}:\n{result}\n--- server.log ---\n{written}");
        }
    }

    private string DataDirectory => Path.Combine(_directory!.Path, "data");

    private void RequireThrowaway()
    {
        if (_directory is null)
        {
            throw new InvalidOperationException($"This test stops PostgreSQL, so it needs the throwaway server the tests start themselves: unset {UrlVariable}.");
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    // initdb and the server refuse to run as root: as root, run them as the postgres user.
    private async Task<ProcessResult> RunAsServerUserAsync(string program, string[] arguments, bool check = true)
    {
        var result = IsRoot
            ? await ProcessRunner.RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments], _directory!.Path)
            : await ProcessRunner.RunAsync(program, arguments, _directory!.Path);
        if (check)
        {
            result.EnsureSuccess();
        }
        return result;
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
