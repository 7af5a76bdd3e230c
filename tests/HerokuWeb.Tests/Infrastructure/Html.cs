using System.Text.RegularExpressions;

namespace HerokuWeb.Tests.Infrastructure;

public static partial class Html
{
    /// <summary>The antiforgery token in a page's form.</summary>
    public static string AntiforgeryToken(string html) =>
        AntiforgeryField().Match(html) is { Success: true } match
            ? match.Groups["token"].Value
            : throw new InvalidOperationException("The page has no antiforgery token:\n" + html);

    public static FormUrlEncodedContent Form(string? token, params (string Name, string Value)[] fields)
    {
        var values = fields.ToDictionary(field => field.Name, field => field.Value);
        if (token is not null)
        {
            values["__RequestVerificationToken"] = token;
        }
        return new FormUrlEncodedContent(values);
    }

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="(?<token>[^"]+)" """)]
    private static partial Regex AntiforgeryField();
}
