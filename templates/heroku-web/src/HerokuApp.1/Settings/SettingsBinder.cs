using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace HerokuApp._1.Settings;

/// <summary>
/// Builds a settings object from configuration: each <see cref="EnvironmentVariableAttribute"/>
/// property gets its variable's value, converted to the property's type and checked against the
/// property's validation attributes. Every problem is collected before anything is reported, and
/// a secret's value is never repeated in a message.
/// </summary>
public static class SettingsBinder
{
    public static T Bind<T>(IConfiguration source) where T : class
    {
        // Property initializers hold the defaults; only values that are set replace them.
        var settings = Activator.CreateInstance<T>();
        var problems = new List<SettingProblem>();

        foreach (var (property, variable) in Declarations(typeof(T)))
        {
            var text = source[variable.Name]?.Trim();
            if (string.IsNullOrEmpty(text))
            {
                if (property.IsDefined(typeof(RequiredMemberAttribute)))
                {
                    problems.Add(new(variable.Name, "is not set", variable.Help));
                }
                continue;
            }

            if (!TryConvert(text, property.PropertyType, out var value, out var conversionError))
            {
                problems.Add(new(variable.Name, conversionError + Shown(variable, text), variable.Help));
                continue;
            }

            var broken = property.GetCustomAttributes<ValidationAttribute>().FirstOrDefault(rule => !rule.IsValid(value));
            if (broken is not null)
            {
                problems.Add(new(variable.Name, Rule(broken, variable.Name) + Shown(variable, text), variable.Help));
                continue;
            }

            property.SetValue(settings, value);
        }

        return problems.Count == 0 ? settings : throw new InvalidSettingsException(problems);
    }

    /// <summary>The variables a settings type declares, in declaration order.</summary>
    public static IReadOnlyList<(PropertyInfo Property, EnvironmentVariableAttribute Variable)> Declarations(Type settingsType) =>
        [.. settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(property => (property, variable: property.GetCustomAttribute<EnvironmentVariableAttribute>()))
            .Where(declaration => declaration.variable is not null)
            .OrderBy(declaration => declaration.property.MetadataToken)
            .Select(declaration => (declaration.property, declaration.variable!))];

    /// <summary>The broken rule, without the variable's name that the report already shows.</summary>
    private static string Rule(ValidationAttribute rule, string name)
    {
        var message = rule.FormatErrorMessage(name).TrimEnd('.');
        foreach (var prefix in new[] { $"The field {name} ", $"{name} " })
        {
            if (message.StartsWith(prefix, StringComparison.Ordinal))
            {
                return message[prefix.Length..];
            }
        }
        return message;
    }

    /// <summary>The offending value helps, unless it is a secret: those are never repeated.</summary>
    private static string Shown(EnvironmentVariableAttribute variable, string text)
    {
        const int MaximumLength = 40;
        if (variable.Secret)
        {
            return " (value hidden: secret)";
        }
        var printable = new string([.. text.Take(MaximumLength).Select(c => char.IsControl(c) ? '?' : c)]);
        return $" (got \"{printable}{(text.Length > MaximumLength ? "…" : "")}\")";
    }

    private static bool TryConvert(string text, Type type, out object? value, out string error)
    {
        error = "";
        value = null;
        type = Nullable.GetUnderlyingType(type) ?? type;

        if (type == typeof(string))
        {
            value = text;
        }
        else if (type == typeof(bool))
        {
            // Like pydantic: a value that is neither clearly true nor clearly false is an error, not false.
            value = text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => true,
                "false" or "0" or "no" or "off" => false,
                _ => null,
            };
            error = "is not a boolean: use true or false";
        }
        else if (type == typeof(int))
        {
            value = int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;
            error = "is not a whole number";
        }
        else if (type == typeof(IReadOnlyList<string>))
        {
            string[] items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            value = items.Length > 0 ? items : null;
            error = "lists nothing: separate entries with commas";
        }
        else if (type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISettingValue<>)))
        {
            var parse = typeof(SettingsBinder).GetMethod(nameof(TryParseSettingValue), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type);
            object?[] arguments = [text, null, null];
            if (!(bool)parse.Invoke(null, arguments)!)
            {
                error = (string)arguments[2]!;
                return false;
            }
            value = arguments[1];
        }
        else
        {
            throw new NotSupportedException($"Settings of type {type.Name} are not supported; implement ISettingValue<{type.Name}>.");
        }

        return value is not null;
    }

    private static bool TryParseSettingValue<TValue>(string text, out TValue? value, out string? error)
        where TValue : ISettingValue<TValue> =>
        TValue.TryParse(text, out value, out error);
}

/// <summary>One variable that is missing or malformed, and why.</summary>
public sealed record SettingProblem(string Name, string Reason, string Expected);

/// <summary>Thrown when settings are missing or malformed; its message is the report for the operator.</summary>
public sealed class InvalidSettingsException(IReadOnlyList<SettingProblem> problems) : Exception(Format(problems))
{
    public IReadOnlyList<SettingProblem> Problems { get; } = problems;

    private static string Format(IReadOnlyList<SettingProblem> problems)
    {
        var width = problems.Max(problem => problem.Name.Length) + 2;
        var lines = problems.Select(problem =>
            $"  {problem.Name.PadRight(width)}{problem.Reason}." +
            (problem.Expected.Length > 0 ? $"\n  {new string(' ', width)}Expected: {problem.Expected}." : ""));
        var count = problems.Count == 1 ? "1 setting is" : $"{problems.Count} settings are";

        return $"""
            The app cannot start: {count} missing or invalid.

            {string.Join('\n', lines)}

            Set them as environment variables (on Heroku: heroku config:set NAME=value).
            In Development they can also go in a .env file; .env.example lists them all.
            """;
    }
}
