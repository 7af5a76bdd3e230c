namespace TemplateVerifier.Tests;

/// <summary>The hive the integration tests install the pack into, and instantiation from it.</summary>
public sealed class TemplateHiveTests(FixtureHive fixture)
{
    [Fact]
    public async Task InstalledTemplateIsListedInTheHiveOnly()
    {
        var list = await DotnetCli.RunAsync(["new", "list", Fixture.ShortName, "--debug:custom-hive", fixture.Hive.Location], cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(list.Succeeded, list.ToString());
        Assert.Contains("TemplateVerifier test fixture", list.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(fixture.Hive.Location, "packages.json")));

        // The user's own hive never hears of the fixture.
        var userPackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".templateengine", "packages.json");
        Assert.True(!File.Exists(userPackages) || !File.ReadAllText(userPackages).Contains("verifier-fixture", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InstantiatesIntoAFreshDirectoryOwnedByTheHive()
    {
        // The fixture prefers a name directory (like most project templates): with -n alone the
        // output would land in ./MyApp, so -o . keeps it in the working directory.
        var result = await fixture.Hive.InstantiateAsync(Fixture.ShortName, ["-n", "MyApp", "-o", "."], cancellationToken: TestContext.Current.CancellationToken);

        Assert.StartsWith(Path.GetDirectoryName(fixture.Hive.Location)!, result.WorkingDirectory, StringComparison.Ordinal);
        Assert.Equal("# MyApp\n\nHello from MyApp.\n", File.ReadAllText(Path.Combine(result.WorkingDirectory, "README.md")));
        Assert.True(File.Exists(Path.Combine(result.WorkingDirectory, ".env")));
        Assert.EndsWith($"--no-update-check --debug:custom-hive {fixture.Hive.Location}", result.Command, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstantiatesIntoAGivenDirectory()
    {
        using var dir = TemporaryDirectory.Create("template-verifier-tests-");
        var output = Path.Combine(dir.Path, "app");

        var result = await fixture.Hive.InstantiateAsync(Fixture.ShortName, ["--greeting", "Hey there"], output, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(output, result.WorkingDirectory);
        Assert.Equal("# app\n\nHey there from app.\n", File.ReadAllText(Path.Combine(output, "README.md")));
    }

    [Fact]
    public async Task FailedInstantiationThrows()
    {
        var error = await Assert.ThrowsAsync<TemplateVerificationException>(
            () => fixture.Hive.InstantiateAsync(Fixture.ShortName, ["--bogus"], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.InstantiationFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("Exit code: 127", error.Message, StringComparison.Ordinal);
        Assert.Contains("Error text found:\n  Error: Invalid option(s):\n", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeDeletesTheHiveAndItsOutputs()
    {
        var hive = new TemplateHive();
        var output = hive.CreateOutputDirectory();
        File.WriteAllText(Path.Combine(hive.Location, "marker.txt"), "x");

        await hive.DisposeAsync();

        Assert.False(Directory.Exists(hive.Location));
        Assert.False(Directory.Exists(output));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => hive.InstantiateAsync(Fixture.ShortName, cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task MissingPackageFailsBeforeRunningAnything()
    {
        var error = await Assert.ThrowsAsync<TemplateVerificationException>(
            () => TemplateHive.CreateAsync(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".nupkg"), TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.InstallFailed, error.TemplateVerificationErrorCode);
    }

    [Fact]
    public async Task FolderWithoutTemplatesFailsToInstall()
    {
        // dotnet new install exits with 0 here; the hive must still notice nothing was installed.
        using var empty = TemporaryDirectory.Create("template-verifier-tests-");

        var error = await Assert.ThrowsAsync<TemplateVerificationException>(() => TemplateHive.CreateAsync(empty.Path, TestContext.Current.CancellationToken));

        Assert.Equal(TemplateVerificationErrorCode.InstallFailed, error.TemplateVerificationErrorCode);
        Assert.Contains("contains no templates", error.Message, StringComparison.Ordinal);
    }
}
