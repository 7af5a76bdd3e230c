using System.Globalization;
using System.Runtime.InteropServices;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>An app made by `dotnet new heroku-web`, and what Heroku does with it: build, publish, run its Procfile.</summary>
public sealed class GeneratedApp
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(6);

    private GeneratedApp(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    /// <summary>The app's root: where `git push heroku main` would start.</summary>
    public string Directory { get; }

    /// <summary>The name given with -n.</summary>
    public string Name { get; }

    public string SolutionPath => Path.Combine(Directory, Name + ".slnx");

    public string ProjectDirectory => Path.Combine(Directory, "src", Name);

    public string ProjectPath => Path.Combine(ProjectDirectory, Name + ".csproj");

    public string PublishDirectory => Path.Combine(ProjectDirectory, "bin", "publish");

    public Procfile Procfile => Procfile.Read(Path.Combine(Directory, "Procfile"));

    public static async Task<GeneratedApp> CreateAsync(TemplatePackage package, string name, IEnumerable<string> options, bool restore = true)
    {
        var parent = package.Hive.CreateOutputDirectory();
        await package.Hive.InstantiateAsync(
            TemplatePackage.ShortName, ["-n", name, "-o", name, .. options, .. restore ? Array.Empty<string>() : ["--no-restore"]], parent);
        return new GeneratedApp(Path.Combine(parent, name), name);
    }

    /// <summary>
    /// A copy of the app as a fresh clone of its repository has it: no bin/, obj/ or .env (git ignores them).
    /// </summary>
    /// <param name="keepPublished">Keeps the app's publish directory, so the clone can run without a build.</param>
    public GeneratedApp CleanCopy(bool keepPublished = false)
    {
        var published = Path.GetRelativePath(Directory, PublishDirectory) + Path.DirectorySeparatorChar;
        var parent = System.IO.Directory.CreateTempSubdirectory("heroku-web-clone-").FullName;
        var target = Path.Combine(parent, Name);
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(Directory, file);
            var parts = relative.Split(Path.DirectorySeparatorChar);
            if ((parts.Any(part => part is "bin" or "obj") && !(keepPublished && relative.StartsWith(published, StringComparison.Ordinal)))
                || relative == ".env")
            {
                continue;
            }
            var destination = Path.Combine(target, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
        return new GeneratedApp(target, Name);
    }

    /// <summary>Builds the whole solution with every warning, MSBuild's included, as an error.</summary>
    public async Task<ProcessResult> BuildAsync() =>
        (await DotnetAsync(["build", SolutionPath, "-warnaserror"])).EnsureSuccess();

    /// <summary>Runs the app's own test project, already built by <see cref="BuildAsync"/>.</summary>
    public Task<ProcessResult> TestAsync(IReadOnlyDictionary<string, string?> environment) =>
        DotnetAsync(["test", SolutionPath, "--no-build"], environment);

    /// <summary>Exactly the build command of Heroku's .NET buildpack, in a fresh artifacts directory.</summary>
    public async Task<ProcessResult> PublishAsync()
    {
        using var artifacts = TemporaryDirectory.Create("heroku-web-build-artifacts-");
        // Heroku's build sets no CI variable, even when these tests run in CI.
        return (await DotnetAsync(["publish", SolutionPath, "--runtime", "linux-x64", "-p:PublishDir=bin/publish", "--artifacts-path", artifacts.Path],
                new Dictionary<string, string?> { ["CI"] = null }))
            .EnsureSuccess();
    }

    /// <summary>Runs a Procfile process to completion (the release phase, or a web process expected to refuse to start).</summary>
    public async Task<ProcessResult> RunProcfileAsync(string process, IReadOnlyDictionary<string, string> configVars, TimeSpan? timeout = null)
    {
        using var home = NewDynoHome();
        return await ProcessRunner.RunAsync("bash", ["-c", Procfile[process]], Directory, DynoEnvironment(configVars, home), clean: true, timeout);
    }

    /// <summary>
    /// Runs the published app with <paramref name="arguments"/> in a one-off dyno, as
    /// `heroku run "cd src/App/bin/publish && ./App check"` does.
    /// </summary>
    public async Task<ProcessResult> RunOneOffAsync(string arguments, IReadOnlyDictionary<string, string> configVars)
    {
        using var home = NewDynoHome();
        return await ProcessRunner.RunAsync(
            "bash", ["-c", $"cd src/{Name}/bin/publish && exec ./{Name} {arguments}"], Directory, DynoEnvironment(configVars, home), clean: true);
    }

    /// <summary>Starts the Procfile's web process as a dyno would and waits until it answers.</summary>
    /// <param name="host">The host name the router would send, when the app does not answer to localhost.</param>
    public async Task<AppProcess> StartWebAsync(IReadOnlyDictionary<string, string> configVars, string? host = null)
    {
        var port = configVars.TryGetValue("PORT", out var given) ? int.Parse(given, CultureInfo.InvariantCulture) : Ports.Free();
        var home = NewDynoHome();
        var environment = DynoEnvironment(new Dictionary<string, string>(configVars) { ["PORT"] = port.ToString(CultureInfo.InvariantCulture) }, home);
        return await WaitUntilHealthyAsync(AppProcess.Start(Procfile["web"], Directory, environment, port, owned: home), host);
    }

    /// <summary>
    /// Starts the Procfile's worker process as a dyno would (no port: a worker is not routed to) and waits until it
    /// says it has started.
    /// </summary>
    public async Task<AppProcess> StartWorkerAsync(IReadOnlyDictionary<string, string> configVars)
    {
        var home = NewDynoHome();
        var worker = AppProcess.Start(Procfile["worker"], Directory, DynoEnvironment(configVars, home), port: 0, owned: home);
        try
        {
            await worker.WaitForOutputAsync("worker: started", TimeSpan.FromSeconds(90));
            return worker;
        }
        catch
        {
            await worker.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// What a deploy does once the slug is built: the release phase (when the Procfile has one) must
    /// succeed, then a web dyno starts with the same config vars.
    /// </summary>
    public async Task<AppProcess> ReleaseAndStartWebAsync(IReadOnlyDictionary<string, string> configVars)
    {
        if (Procfile.Processes.ContainsKey("release"))
        {
            (await RunProcfileAsync("release", configVars)).EnsureSuccess();
        }
        return await StartWebAsync(configVars);
    }

    /// <summary>
    /// Runs the app the way a developer does right after `dotnet new`: `dotnet run` in Development, with
    /// nothing set up but the generated .env. Only PORT is given, so parallel tests don't collide.
    /// </summary>
    /// <param name="variables">Set in the developer's shell, as well as PORT (a variable of the shell wins over .env).</param>
    /// <param name="arguments">After `dotnet run`'s own, such as `--urls`.</param>
    /// <param name="port">Where the app is expected to listen; when null, a free port is given as PORT.</param>
    public async Task<AppProcess> StartDevelopmentAsync(
        IReadOnlyDictionary<string, string>? variables = null, string arguments = "", int? port = null)
    {
        var environment = DeveloperShell(new Dictionary<string, string>(variables ?? new Dictionary<string, string>()));
        if (port is null)
        {
            port = Ports.Free();
            environment["PORT"] = port.Value.ToString(CultureInfo.InvariantCulture);
        }
        return await WaitUntilHealthyAsync(
            AppProcess.Start($"exec dotnet run --project src/{Name} --no-build {arguments}", Directory, environment, port.Value, clean: false));
    }

    /// <summary>
    /// Starts the Procfile's web process with the real Heroku CLI, as the generated README says: `heroku local`
    /// (which loads .env) on a free port, from a developer's shell.
    /// </summary>
    public async Task<AppProcess> StartHerokuLocalAsync(string command)
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (!onPath.Any(directory => File.Exists(Path.Combine(directory, "heroku"))))
        {
            throw new InvalidOperationException("These tests need the Heroku CLI on PATH: npm install --global heroku");
        }
        var port = Ports.Free();
        var environment = DeveloperShell(new() { ["DOTNET_ROOT"] = DotnetRoot });
        return await WaitUntilHealthyAsync(AppProcess.Start($"exec {command} --port {port}", Directory, environment, port, clean: false));
    }

    /// <summary>Runs a command of the Heroku CLI's to completion in the app's root, from a developer's shell (e.g. `heroku local release`).</summary>
    public Task<ProcessResult> RunHerokuLocalAsync(string command) =>
        ProcessRunner.RunAsync("bash", ["-c", command], Directory, DeveloperShell(new() { ["DOTNET_ROOT"] = DotnetRoot }), clean: false, BuildTimeout);

    /// <summary>Runs a dotnet command in the app's root, as a developer would.</summary>
    public Task<ProcessResult> DotnetAsync(string[] arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        DotnetCli.RunAsync(arguments, Directory, new DotnetCommandOptions { Timeout = BuildTimeout, Environment = environment });

    private static async Task<AppProcess> WaitUntilHealthyAsync(AppProcess app, string? host = null)
    {
        try
        {
            await app.WaitUntilHealthyAsync(host);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    // `dotnet test` points these at its own SDK; a developer's shell has none of them (an empty value removes a variable).
    private static Dictionary<string, string> DeveloperShell(Dictionary<string, string> environment)
    {
        foreach (var variable in DotnetCli.InheritedMSBuildVariables)
        {
            environment[variable] = "";
        }
        return environment;
    }

    // A dyno's disk starts empty and is wiped on every restart: each process gets a HOME of its own, so
    // nothing ASP.NET Core keeps under it (its fallback key ring, ~/.aspnet) can pass between processes.
    private static TemporaryDirectory NewDynoHome() => TemporaryDirectory.Create("heroku-web-dyno-home-");

    /// <summary>
    /// A dyno's environment: nothing from the machine running the tests, only what Heroku sets
    /// (PATH, HOME, DOTNET_ROOT, DOTNET_RUNNING_IN_CONTAINER; never ASPNETCORE_ENVIRONMENT) and the config vars.
    /// </summary>
    private static Dictionary<string, string> DynoEnvironment(IReadOnlyDictionary<string, string> configVars, TemporaryDirectory home)
    {
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = home.Path,
            ["DOTNET_ROOT"] = DotnetRoot,
            ["DOTNET_RUNNING_IN_CONTAINER"] = "true",
        };
        foreach (var (name, value) in configVars)
        {
            environment[name] = value;
        }
        return environment;
    }

    private static string DotnetRoot => Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}

/// <summary>A Procfile's process types and their commands.</summary>
public sealed class Procfile(IReadOnlyDictionary<string, string> processes)
{
    public IReadOnlyDictionary<string, string> Processes { get; } = processes;

    public string this[string process] => Processes.TryGetValue(process, out var command)
        ? command
        : throw new KeyNotFoundException($"The Procfile has no `{process}:` process.");

    public static Procfile Read(string path) => new(File.ReadAllLines(path)
        .Where(line => line.Contains(':') && !line.TrimStart().StartsWith('#'))
        .Select(line => line.Split(':', 2))
        .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim()));
}
