using System.Reflection;
using System.Text.RegularExpressions;
using TemplateVerifier.Tests;

[assembly: AssemblyFixture(typeof(FixtureHive))]

namespace TemplateVerifier.Tests;

/// <summary>Where the fixture template lives and how to scrub it.</summary>
internal static class Fixture
{
    public const string ShortName = "verifier-fixture";

    public static string FixturesDirectory { get; } = typeof(Fixture).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FixturesDirectory").Value!;

    public static string TemplateDirectory { get; } = Path.Combine(FixturesDirectory, ShortName);

    /// <summary>The fixture's .env gets a random GUID secret on every instantiation.</summary>
    public static ScrubbersDefinition SecretScrubber { get; } =
        ScrubbersDefinition.Empty.AddScrubber(new Regex("(?m)^(SECRET_KEY=).*$"), "$1{scrubbed}");

    /// <summary>Engine that ignores the real environment, so a developer's Verify_AutoVerify can't change outcomes.</summary>
    public static VerificationEngine Engine { get; } = new(log: null, getEnvironmentVariable: _ => null);

    /// <summary>Engine that accepts received output, as with Verify_AutoVerify=true.</summary>
    public static VerificationEngine AcceptingEngine { get; } = new(log: null, getEnvironmentVariable: name => name == VerificationEngine.AutoVerifyEnvironmentVariable ? "true" : null);
}

/// <summary>
/// One hive with the fixture template installed, shared by every test class: each dotnet new costs
/// about a CPU-second, so installing once (and not running hives in parallel) keeps the suite fast.
/// </summary>
public sealed class FixtureHive : IAsyncLifetime
{
    public TemplateHive Hive { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Hive = await TemplateHive.CreateAsync(Fixture.TemplateDirectory, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Hive.DisposeAsync();
}
