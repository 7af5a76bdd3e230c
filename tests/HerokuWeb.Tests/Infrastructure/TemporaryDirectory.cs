namespace HerokuWeb.Tests.Infrastructure;

/// <summary>A fresh, empty directory under the system's temp directory, deleted with everything in it on disposal.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    private TemporaryDirectory(string path) => Path = path;

    public string Path { get; }

    public static TemporaryDirectory Create(string prefix) => new(Directory.CreateTempSubdirectory(prefix).FullName);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
