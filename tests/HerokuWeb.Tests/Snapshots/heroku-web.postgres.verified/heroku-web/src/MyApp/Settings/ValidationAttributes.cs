using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace MyApp.Settings;

/// <summary>A secret long and varied enough that guessing it is hopeless.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class StrongSecretAttribute : ValidationAttribute
{
    private const int MinimumDistinctCharacters = 10;

    public int MinimumLength { get; init; } = 32;

    public override bool IsValid(object? value) =>
        value is string secret
        && secret.Length >= MinimumLength
        && secret.Distinct().Count() >= MinimumDistinctCharacters;

    public override string FormatErrorMessage(string name) =>
        $"{name} is too weak: it needs at least {MinimumLength} characters, at least {MinimumDistinctCharacters} of them different";
}

/// <summary>Host names as ASP.NET Core's host filtering matches them: <c>example.com</c>, <c>*.example.com</c> or <c>*</c>.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed partial class HostNamesAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) =>
        value is IEnumerable<string> hosts && hosts.All(host => HostName().IsMatch(host));

    public override string FormatErrorMessage(string name) =>
        $"{name} must list host names only, such as example.com or *.example.com: no scheme (https://), port or path";

    [GeneratedRegex(@"^(\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$")]
    private static partial Regex HostName();
}
