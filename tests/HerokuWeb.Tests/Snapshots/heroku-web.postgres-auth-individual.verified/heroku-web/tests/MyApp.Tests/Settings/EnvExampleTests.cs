using Microsoft.Extensions.Configuration;
using Heroku.AspNetCore;

namespace MyApp.Tests.Settings;

/// <summary>.env.example is the settings documentation people read first: it must not drift.</summary>
public sealed class EnvExampleTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(SolutionDirectory(), ".env.example"));

    // Read by ASP.NET Core itself, not by the settings type: `heroku local` needs it from .env.
    private static readonly string[] FrameworkVariables = ["ASPNETCORE_ENVIRONMENT"];

    [Fact]
    public void Lists_exactly_the_variables_the_settings_type_declares()
    {
        var reader = new SettingsReader(new ConfigurationBuilder().Build());
        _ = new AppSettings(reader);
        var declared = reader.Names;
        var listed = Lines.Where(line => line.Length > 0 && !line.StartsWith('#')).Select(line => line.Split('=')[0])
            .Except(FrameworkVariables);

        Assert.Equal(declared, listed);
    }

    [Fact]
    public void Explains_every_variable_in_a_comment_above_it()
    {
        for (var i = 0; i < Lines.Length; i++)
        {
            if (Lines[i].Length > 0 && !Lines[i].StartsWith('#'))
            {
                Assert.True(i > 0 && Lines[i - 1].StartsWith("# ", StringComparison.Ordinal), $"{Lines[i]} has no comment above it.");
            }
        }
    }

    private static string SolutionDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && directory.GetFiles("*.slnx").Length == 0)
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("No .slnx above the test output directory.");
    }
}
