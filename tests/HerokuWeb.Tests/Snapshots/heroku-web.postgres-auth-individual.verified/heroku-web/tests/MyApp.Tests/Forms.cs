using System.Text.RegularExpressions;

namespace MyApp.Tests;

internal static partial class Forms
{
    /// <summary>The antiforgery token a page's form carries; a POST without it is refused.</summary>
    public static string AntiforgeryToken(string html) =>
        AntiforgeryField().Match(html) is { Success: true } match
            ? match.Groups["token"].Value
            : throw new InvalidOperationException("The page has no antiforgery token.");

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="(?<token>[^"]+)" """)]
    private static partial Regex AntiforgeryField();
}
