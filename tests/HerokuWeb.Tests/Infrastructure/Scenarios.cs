using System.Collections.Concurrent;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>One way of running `dotnet new heroku-web`: an app name and the template options.</summary>
public sealed record Scenario(string AppName, params string[] Options)
{
    public static readonly Scenario Postgres = new("MyApp");

    public static readonly Scenario NoDatabase = new("NoDbApp", "--database", "none");

    public static readonly Scenario Accounts = new("AuthApp", "--auth", "Individual");

    public bool UsesDatabase => !Options.Contains("none");

    public override string ToString() => Options.Length == 0 ? "default" : string.Join(' ', Options);
}

/// <summary>
/// Generated, built and published apps, made once per scenario and shared by every test that needs
/// one: generating and publishing is the slow part of the suite.
/// </summary>
public sealed class PreparedApps
{
    private readonly ConcurrentDictionary<Scenario, Lazy<Task<GeneratedApp>>> _generated = new();
    private readonly ConcurrentDictionary<Scenario, Lazy<Task<GeneratedApp>>> _built = new();
    private readonly ConcurrentDictionary<Scenario, Lazy<Task<GeneratedApp>>> _published = new();

    /// <summary>Generated with the template's restore post-action, as users get it.</summary>
    public Task<GeneratedApp> GeneratedAsync(TemplatePackage package, Scenario scenario) =>
        Once(_generated, scenario, () => GeneratedApp.CreateAsync(package, scenario.AppName, scenario.Options));

    /// <summary>Built in Debug with warnings as errors.</summary>
    public Task<GeneratedApp> BuiltAsync(TemplatePackage package, Scenario scenario) =>
        Once(_built, scenario, async () =>
        {
            var app = await GeneratedAsync(package, scenario);
            await app.BuildAsync();
            return app;
        });

    /// <summary>
    /// Generated again with --no-restore and published with the buildpack's own command, nothing built
    /// before: what Heroku does with a fresh clone. A tree of its own, so a publish never shares obj/ or
    /// bin/ with the Debug build, and parallel tests never build and publish the same files.
    /// </summary>
    public Task<GeneratedApp> PublishedAsync(TemplatePackage package, Scenario scenario) =>
        Once(_published, scenario, async () =>
        {
            var app = await GeneratedApp.CreateAsync(package, scenario.AppName, scenario.Options, restore: false);
            await app.PublishAsync();
            return app;
        });

    private static Task<GeneratedApp> Once(
        ConcurrentDictionary<Scenario, Lazy<Task<GeneratedApp>>> cache, Scenario scenario, Func<Task<GeneratedApp>> make) =>
        cache.GetOrAdd(scenario, _ => new Lazy<Task<GeneratedApp>>(make)).Value;
}
