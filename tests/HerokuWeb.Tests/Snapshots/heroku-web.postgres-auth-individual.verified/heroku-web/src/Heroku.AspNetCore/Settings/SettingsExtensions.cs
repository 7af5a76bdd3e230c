using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace Heroku.AspNetCore;

/// <summary>Reads the app's settings type at start.</summary>
public static class SettingsExtensions
{
    /// <summary>
    /// Reads the settings type that <paramref name="declare"/> makes and registers it as a singleton. In
    /// Development, values may also come from the nearest <c>.env</c> (a real environment variable wins).
    /// On failure, writes one report naming every bad variable to stderr and returns false: the app then
    /// exits with <see cref="ExitCodes.InvalidSettings"/>.
    /// </summary>
    public static bool TryReadSettings<TSettings>(this WebApplicationBuilder builder, Func<SettingsReader, TSettings> declare,
        [NotNullWhen(true)] out TSettings? settings)
        where TSettings : class
    {
        settings = null;
        try
        {
            // .env is for local runs only: a deployed app must refuse to start without real values.
            if (builder.Environment.IsDevelopment() && DotEnvFile.Find(Directory.GetCurrentDirectory()) is { } path)
            {
                // Below the environment variables, so a real variable always wins.
                var values = DotEnvFile.Parse(File.ReadAllText(path), path, Environment.GetEnvironmentVariable);
                var environment = builder.Configuration.Sources.ToList().FindIndex(source => source is EnvironmentVariablesConfigurationSource { Prefix: null or "" });
                builder.Configuration.Sources.Insert(environment < 0 ? builder.Configuration.Sources.Count : environment,
                    new MemoryConfigurationSource { InitialData = values.Select(pair => KeyValuePair.Create(pair.Key, (string?)pair.Value)) });
            }
            settings = SettingsReader.Read(builder.Configuration, declare);
        }
        catch (InvalidSettingsException exception)
        {
            Console.Error.WriteLine(exception.Message);
            var directory = Directory.GetCurrentDirectory();
            if (builder.Environment.IsDevelopment() && DotEnvFile.Find(directory) is null && DotEnvFile.Find(directory, ".env.example") is { } example)
            {
                // A clone of the repository: git ignores .env, so only the machine that ran `dotnet new` has one.
                Console.Error.WriteLine();
                Console.Error.WriteLine(LogText.Line($"No .env was found in {Path.GetDirectoryName(example)}: git ignores it, so a clone has none. Make one from .env.example with a SECRET_KEY of its own, there:"));
                Console.Error.WriteLine("  sed \"s|^SECRET_KEY=$|SECRET_KEY=$(openssl rand -base64 48)|\" .env.example > .env");
            }
            if (!builder.Environment.IsDevelopment() && DotEnvFile.Find(directory) is { } ignored)
            {
                Console.Error.WriteLine(LogText.Line($"{ignored} was not read: it is for Development only, and this is {builder.Environment.EnvironmentName}."));
            }
            return false;
        }
        builder.Services.AddSingleton(settings);
        return true;
    }
}

/// <summary>The app's exit codes, from sysexits.h, so scripts can tell bad configuration from a crash.</summary>
public static class ExitCodes
{
    /// <summary>EX_CONFIG: a setting is missing or malformed.</summary>
    public const int InvalidSettings = 78;

    /// <summary>EX_USAGE: a command or option the app does not know.</summary>
    public const int Usage = 64;
}
