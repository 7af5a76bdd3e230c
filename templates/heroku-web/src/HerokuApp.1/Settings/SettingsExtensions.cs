using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace HerokuApp._1.Settings;

public static class SettingsExtensions
{
    /// <summary>EX_CONFIG from sysexits.h: lets scripts tell bad configuration from a crash.</summary>
    public const int InvalidSettingsExitCode = 78;

    /// <summary>
    /// Reads <see cref="AppSettings"/> and registers it as a singleton. On failure, writes one report
    /// naming every bad variable to stderr and returns false.
    /// </summary>
    public static bool TryAddAppSettings(this WebApplicationBuilder builder, [NotNullWhen(true)] out AppSettings? settings)
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
            settings = AppSettings.Read(builder.Configuration);
        }
        catch (InvalidSettingsException exception)
        {
            Console.Error.WriteLine(exception.Message);
            if (!builder.Environment.IsDevelopment() && DotEnvFile.Find(Directory.GetCurrentDirectory()) is { } ignored)
            {
                Console.Error.WriteLine($"{ignored} was not read: it is for Development only, and this is {builder.Environment.EnvironmentName}.");
            }
            return false;
        }
        builder.Services.AddSingleton(settings);
        return true;
    }
}
