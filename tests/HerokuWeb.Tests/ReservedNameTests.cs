using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// A name whose app would not build is refused by `dotnet new`, with a message saying why; names that only
/// look alike are accepted. Generated without restoring: refusing costs nothing, and building is
/// ProjectNameTests' job.
/// </summary>
public sealed class ReservedNameTests(TemplatePackage package)
{
    private const string Reason = "--name-is-a-csharp-keyword-or-clashes-with-the-apps-code-choose-another";

    public static TheoryData<string> Refused =>
    [
        "class", "namespace", "int", "void", "static", "Class",
        "Program", "Settings", "Heroku", "KeyRing", "Security", "Checks", "Data", "Pages", "Guestbook", "System", "Microsoft",
        "Heroku.AspNetCore", "heroku.aspnetcore",
    ];

    public static TheoryData<string> Accepted => ["MyData", "Classroom", "ProgramGuide", "Pages2", "SettingsApp"];

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Is_refused_with_a_reason(string name)
    {
        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", name, "--no-restore"], ensureSuccess: false);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(Reason, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        var output = Path.Combine(result.WorkingDirectory, name);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "A refused name must leave no files behind.");
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public async Task Is_accepted(string name)
    {
        var result = await package.Hive.InstantiateAsync(TemplatePackage.ShortName, ["-n", name, "--no-restore"], ensureSuccess: false);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(result.WorkingDirectory, name, "src", name, name + ".csproj")));
    }
}
