namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// The template package as users get it: Template.Pack.csproj packed to a .nupkg and installed with
/// `dotnet new install` into a throwaway hive, never the user's own.
/// </summary>
public sealed class TemplatePackage : IAsyncLifetime
{
    public const string ShortName = "heroku-web";

    private readonly TemporaryDirectory _output = TemporaryDirectory.Create("heroku-web-pack-");

    public string PackagePath { get; private set; } = "";

    public TemplateHive Hive => _hive ?? throw new InvalidOperationException("The template package is not installed.");

    private TemplateHive? _hive;

    public async ValueTask InitializeAsync()
    {
        (await DotnetCli.RunAsync(["pack", Path.Combine(Repository.Root, "Template.Pack.csproj"), "-o", _output.Path], Repository.Root))
            .EnsureSuccess();
        PackagePath = Directory.GetFiles(_output.Path, "*.nupkg").Single();
        _hive = await TemplateHive.CreateAsync(PackagePath);
    }

    public async ValueTask DisposeAsync()
    {
        // Also after a failed pack or install, which leaves no hive.
        if (_hive is not null)
        {
            await _hive.DisposeAsync();
        }
        _output.Dispose();
    }
}
