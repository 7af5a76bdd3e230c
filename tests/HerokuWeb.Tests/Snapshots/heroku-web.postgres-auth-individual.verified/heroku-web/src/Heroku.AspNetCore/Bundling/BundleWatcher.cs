using System.Reflection;
using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace Heroku.AspNetCore;

internal static class BundlingExtensions
{
    /// <summary>In Development, follows the sources of the bundles that the app's build describes, if any.</summary>
    public static WebApplicationBuilder AddBundleWatcher(this WebApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment() && BundleWatcher.Of(builder.Environment.ApplicationName) is [_, ..] bundles)
        {
            builder.Services.AddHostedService(services => new BundleWatcher(bundles, services.GetRequiredService<ILogger<BundleWatcher>>()));
        }
        return builder;
    }
}

/// <summary>
/// In Development, rewrites a bundle as soon as one of its sources is saved, as WebOptimizer does, so a stylesheet
/// or script edit shows without a build. `dotnet watch` needs it: its hot reload applies C# and Razor edits without
/// building, so it never runs build/Bundling.targets for a stylesheet, but it watches the bundle files that
/// MapStaticAssets serves and updates the page when one changes (a stylesheet in place, a script by a reload).
/// The bundles are those an unminified build describes in the app's assembly; this writes what that build writes
/// (the sources, concatenated) and checks nothing: the next build checks the syntax, and Release builds minify.
/// </summary>
internal sealed class BundleWatcher(IReadOnlyList<BundleWatcher.Bundle> bundles, ILogger<BundleWatcher> logger) : IHostedService, IDisposable
{
    private const string SourceDirectoryKey = "Heroku.AspNetCore.BundleSourceDirectory";
    private const string BundleKey = "Heroku.AspNetCore.Bundle";

    private readonly List<IDisposable> _watches = [];
    private readonly Lock _writing = new();

    /// <summary>A bundle's file, and its sources in order as the project file names them, relative to <paramref name="SourceDirectory"/>.</summary>
    internal sealed record Bundle(string Path, string SourceDirectory, IReadOnlyList<string> Sources);

    /// <summary>The bundles that an unminified build of the app describes; none for a Release build.</summary>
    /// <param name="applicationName">The app's assembly, as the host names it.</param>
    public static IReadOnlyList<Bundle> Of(string applicationName)
    {
        Assembly app;
        try
        {
            app = Assembly.Load(new AssemblyName(applicationName));
        }
        catch (Exception exception) when (exception is IOException or ArgumentException)
        {
            // An application name that names no assembly, as an app may set it.
            return [];
        }
        var metadata = app.GetCustomAttributes<AssemblyMetadataAttribute>().ToList();
        if (metadata.FirstOrDefault(attribute => attribute.Key == SourceDirectoryKey)?.Value is not { } directory)
        {
            return [];
        }
        return [.. metadata
            .Where(attribute => attribute.Key == BundleKey && attribute.Value is not null)
            .Select(attribute => attribute.Value!.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length > 1)
            .Select(parts => new Bundle(Path.GetFullPath(parts[0]), directory, parts[1..]))];
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var bundle in bundles)
        {
            var sources = bundle.Sources.Select(source => Path.GetFullPath(source, bundle.SourceDirectory)).ToList();
            // An app built elsewhere, or without its sources, has nothing to watch.
            if (!sources.All(File.Exists) || !Directory.Exists(Path.GetDirectoryName(bundle.Path)))
            {
                continue;
            }
            try
            {
                foreach (var folder in sources.GroupBy(Path.GetDirectoryName))
                {
                    // Polls instead of watching when DOTNET_USE_POLLING_FILE_WATCHER is set, as dotnet watch does.
                    var files = new PhysicalFileProvider(folder.Key!);
                    _watches.Add(files);
                    foreach (var source in folder)
                    {
                        _watches.Add(ChangeToken.OnChange(() => files.Watch(Path.GetFileName(source)), () => Write(bundle)));
                    }
                }
            }
            catch (IOException exception)
            {
                // Such as a machine out of file watchers: the app runs on, and the next build writes the bundle.
                logger.LogWarning("{Bundle} will not follow its sources until the next build: {Message}", bundle.Path, exception.Message);
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var watch in _watches)
        {
            watch.Dispose();
        }
    }

    /// <summary>The bundle as an unminified build writes it: each source after a comment naming it; each script ends with a semicolon.</summary>
    internal static string Concatenate(Bundle bundle)
    {
        var isScript = bundle.Path.EndsWith(".js", StringComparison.OrdinalIgnoreCase);
        var output = new StringBuilder();
        foreach (var source in bundle.Sources)
        {
            var text = File.ReadAllText(Path.GetFullPath(source, bundle.SourceDirectory)).TrimEnd();
            output.Append($"/* {source} */\n").Append(text);
            if (isScript && !text.EndsWith(';'))
            {
                output.Append(';');
            }
            output.Append("\n\n");
        }
        return output.ToString();
    }

    private void Write(Bundle bundle)
    {
        lock (_writing)
        {
            try
            {
                var text = Concatenate(bundle);
                // An editor may save in several steps, each one a change: write only what differs.
                if (File.Exists(bundle.Path) && File.ReadAllText(bundle.Path) == text)
                {
                    return;
                }
                File.WriteAllText(bundle.Path, text, new UTF8Encoding(false));
                logger.LogInformation("Bundled {Bundle} ({Length:N0} characters)", Path.GetFileName(bundle.Path), text.Length);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A source half-saved or being replaced: its next change writes the bundle again.
                logger.LogWarning("{Bundle} was not rewritten: {Message}", bundle.Path, exception.Message);
            }
        }
    }
}
