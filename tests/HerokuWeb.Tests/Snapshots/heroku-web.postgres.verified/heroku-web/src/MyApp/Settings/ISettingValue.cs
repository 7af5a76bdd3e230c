using System.Diagnostics.CodeAnalysis;

namespace MyApp.Settings;

/// <summary>A type that parses itself from one environment variable, such as a database URL.</summary>
public interface ISettingValue<TSelf> where TSelf : ISettingValue<TSelf>
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says why without repeating the value.</summary>
    static abstract bool TryParse(string text, [NotNullWhen(true)] out TSelf? value, [NotNullWhen(false)] out string? error);
}
