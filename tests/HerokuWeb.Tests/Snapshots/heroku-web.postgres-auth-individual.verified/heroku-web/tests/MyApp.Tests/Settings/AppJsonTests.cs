using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Heroku.AspNetCore;

namespace MyApp.Tests.Settings;

/// <summary>
/// app.json sets up the app for the Heroku Button, review apps and Heroku CI: its config vars must
/// follow the settings type, as .env.example does.
/// </summary>
public sealed class AppJsonTests
{
    // Heroku sets these itself: PORT and DYNO in every dyno, HEROKU_APP_* and HEROKU_RELEASE_VERSION with dyno
    // metadata on (which app.json cannot turn on), SOURCE_VERSION in its builds, DATABASE_URL when it attaches the
    // database add-on, MAILGUN_SMTP_* when it attaches Mailgun's.
    private static readonly string[] SetByHeroku = ["PORT", "HEROKU_APP_DEFAULT_DOMAIN_NAME", "HEROKU_APP_NAME", "HEROKU_RELEASE_VERSION",
        "SOURCE_VERSION", "DYNO", "DATABASE_URL", "MAILGUN_SMTP_SERVER", "MAILGUN_SMTP_PORT", "MAILGUN_SMTP_LOGIN", "MAILGUN_SMTP_PASSWORD"];

    private static readonly JsonElement Env = ReadAppJson().GetProperty("env");

    [Fact]
    public void Declares_every_variable_the_settings_type_reads_except_those_heroku_sets()
    {
        var declared = ReadWith(new()).Names.Except(SetByHeroku);

        Assert.Equal(declared, Env.EnumerateObject().Select(variable => variable.Name));
    }

    [Fact]
    public void Describes_every_variable_and_marks_the_required_ones()
    {
        // What a new app lacks when app.json sets nothing: Heroku sets only PORT and, with the add-on, DATABASE_URL.
        var reader = ReadWith(new() { ["PORT"] = "5000", ["DATABASE_URL"] = "postgres://u:p@db:5432/app" });
        var problems = Assert.Throws<InvalidSettingsException>(reader.ThrowIfInvalid).Problems;
        foreach (var name in reader.Names.Except(SetByHeroku))
        {
            Assert.True(Env.TryGetProperty(name, out var entry), $"app.json's env has no {name}.");
            Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("description").GetString()), $"{name} has no description.");
            Assert.True(problems.Any(problem => problem.Name == name) == entry.GetProperty("required").GetBoolean(),
                $"{name} is marked required in app.json only if the settings type requires it on a new Heroku app.");
        }
    }

    private static SettingsReader ReadWith(Dictionary<string, string?> variables)
    {
        var reader = new SettingsReader(new ConfigurationBuilder().AddInMemoryCollection(variables).Build());
        _ = new AppSettings(reader);
        return reader;
    }

    [Fact]
    public void Has_heroku_generate_the_secret_key_for_each_new_app()
    {
        Assert.Equal("secret", Env.GetProperty("SECRET_KEY").GetProperty("generator").GetString());
        Assert.False(Env.GetProperty("SECRET_KEY").TryGetProperty("value", out _), "A SECRET_KEY in app.json would be the same for every app.");
    }

    private static JsonElement ReadAppJson()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "app.json")))
        {
            directory = directory.Parent;
        }
        var path = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("No app.json above the test output directory."), "app.json");
        // Strict, as Heroku reads it: no comments, no trailing commas.
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }
}
