namespace MyApp.Settings;

/// <summary>Binds a settings property to one environment variable.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class EnvironmentVariableAttribute(string name) : Attribute
{
    /// <summary>The variable's exact name, as set with <c>heroku config:set</c>.</summary>
    public string Name { get; } = name;

    /// <summary>What a valid value looks like; shown when the value is missing or malformed.</summary>
    public string Help { get; init; } = "";

    /// <summary>A secret's value is never repeated, not even in the report of a malformed value.</summary>
    public bool Secret { get; init; }
}
