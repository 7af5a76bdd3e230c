using System.Runtime.CompilerServices;
using System.Text.Json;
using HerokuApp._1.Settings;

namespace HerokuApp._1.Tests.Heroku;

/// <summary>
/// app.json sets up the app for the Heroku Button, review apps and Heroku CI: its config vars must
/// follow the settings type, as .env.example does.
/// </summary>
public sealed class AppJsonTests
{
#if (UsePostgres)
    // Heroku sets these itself: PORT for every web dyno, DATABASE_URL when it attaches the database add-on.
    private static readonly string[] SetByHeroku = ["PORT", "DATABASE_URL"];
#else
    // Heroku sets PORT itself, for every web dyno.
    private static readonly string[] SetByHeroku = ["PORT"];
#endif

    private static readonly JsonElement Env = ReadAppJson().GetProperty("env");

    [Fact]
    public void Declares_every_variable_the_settings_type_reads_except_those_heroku_sets()
    {
        var declared = SettingsBinder.Declarations(typeof(AppSettings))
            .Select(declaration => declaration.Variable.Name)
            .Except(SetByHeroku);

        Assert.Equal(declared, Env.EnumerateObject().Select(variable => variable.Name));
    }

    [Fact]
    public void Describes_every_variable_and_marks_the_required_ones()
    {
        foreach (var (property, variable) in SettingsBinder.Declarations(typeof(AppSettings)).Where(d => !SetByHeroku.Contains(d.Variable.Name)))
        {
            var entry = Env.GetProperty(variable.Name);
            Assert.False(string.IsNullOrWhiteSpace(entry.GetProperty("description").GetString()), $"{variable.Name} has no description.");
            Assert.True(property.IsDefined(typeof(RequiredMemberAttribute), inherit: false) == entry.GetProperty("required").GetBoolean(),
                $"{variable.Name} is marked required in app.json only if the settings type requires it.");
        }
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
