namespace MyApp.Pages;

/// <summary>
/// The visitor's light or dark preference, kept in a cookie by Assets/js/theme.js so that
/// pages render in it from the first byte.
/// </summary>
public static class Theme
{
    public const string CookieName = "theme";

    public static readonly string[] Choices = ["system", "light", "dark"];

    public static string Current(HttpRequest request) =>
        request.Cookies[CookieName] is { } theme && Choices.Contains(theme) ? theme : "system";
}
