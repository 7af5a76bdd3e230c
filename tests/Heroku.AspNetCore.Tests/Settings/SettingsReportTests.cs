using System.Text;
using Microsoft.Extensions.Configuration;

namespace Heroku.AspNetCore.Tests.Settings;

/// <summary>
/// The report of bad settings, written to stderr at start: Heroku's log router splits lines over 10,000 bytes,
/// and a value must not be able to forge lines of its own.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class SettingsReportTests
{
    // An app's own parser that, like many, quotes the value in its reason.
    private static string Colour(string text) => throw new FormatException($"is not a colour: '{text}'");

    private static InvalidSettingsException ReadInvalid(string name, string value, Func<SettingsReader, object> declare) =>
        Assert.Throws<InvalidSettingsException>(() => SettingsReader.Read(
            TestSettings.Configuration(new Dictionary<string, string?> { [name] = value }), declare));

    private static InvalidSettingsException ReadColour(string value) =>
        ReadInvalid("COLOUR", value, env => env.Required("COLOUR", Colour, help: "a colour, e.g. red"));

    private static void AssertWithinHerokusLimit(string report)
    {
        Assert.All(report.Split('\n'), line => Assert.True(Encoding.UTF8.GetByteCount(line) + 1 <= LogText.MaxLineBytes,
            $"{Encoding.UTF8.GetByteCount(line) + 1} bytes: {line[..Math.Min(line.Length, 80)]}"));
        Assert.DoesNotContain('\uFFFD', report);
        Assert.DoesNotContain(Rune.ReplacementChar, report.EnumerateRunes()); // no half surrogate pair either
    }

    [Fact]
    public void A_20000_character_value_gives_lines_within_herokus_limit_and_is_shown_shortened_with_its_length()
    {
        var report = ReadColour(new string('a', 20_000)).Message;

        AssertWithinHerokusLimit(report);
        Assert.Contains($"got \"{new string('a', 100)}…\" (20000 characters)", report);
    }

    [Theory]
    [InlineData("é")] // 2 bytes
    [InlineData("€")] // 3 bytes
    [InlineData("😀")] // 4 bytes, a surrogate pair
    [InlineData("a😀")] // a pair across every cut point
    public void Multi_byte_characters_are_never_cut_in_half(string character)
    {
        var report = ReadColour(string.Concat(Enumerable.Repeat(character, 20_000 / character.Length))).Message;

        AssertWithinHerokusLimit(report);
    }

    [Fact]
    public void A_secrets_reason_is_cut_short_too()
    {
        // A 20,000-character parameter name: the URL is secret, and its reason must still fit.
        var report = ReadInvalid("DATABASE_URL", $"postgres://u:p@h/db?{new string('x', 20_000)}=1", env => new DatabaseSettings(env)).Message;

        AssertWithinHerokusLimit(report);
        Assert.Contains("value hidden: secret", report);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    [InlineData("\u2028")] // LINE SEPARATOR
    [InlineData("\u2029")] // PARAGRAPH SEPARATOR
    [InlineData("\u0085")] // NEXT LINE
    [InlineData("\v")]
    [InlineData("\f")]
    public void A_line_break_in_a_value_cannot_forge_a_line_of_the_report(string lineBreak)
    {
        var expected = ReadColour("red").Message.Split('\n').Length;

        var report = ReadColour($"red{lineBreak}fail: forged").Message;

        Assert.Equal(expected, report.Split('\n').Length);
        Assert.DoesNotContain($"{lineBreak}fail", report);
        Assert.Contains("got \"red?fail: forged\"", report);
    }

    [Fact]
    public async Task Every_line_the_app_writes_to_stderr_fits()
    {
        var builder = TestApps.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["COLOUR"] = new string('€', 20_000) + "\u2028x" });

        var (read, error) = await CapturedConsole.RunAsync(() =>
            Task.FromResult(builder.TryReadSettings(env => env.Required("COLOUR", Colour, help: "a colour, e.g. red"), out _)));

        Assert.False(read);
        Assert.Contains("COLOUR", error);
        AssertWithinHerokusLimit(error);
        Assert.DoesNotContain('\u2028', error);
    }
}
