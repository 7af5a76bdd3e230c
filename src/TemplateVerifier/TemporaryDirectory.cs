namespace TemplateVerifier;

/// <summary>A fresh, empty directory under the system's temp directory, deleted with everything in it on disposal.</summary>
public sealed class TemporaryDirectory : IDisposable
{
    private TemporaryDirectory(string path) => Path = path;

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Creates the directory, readable by its owner only.</summary>
    /// <param name="prefix">The start of its name, saying what it is for.</param>
    public static TemporaryDirectory Create(string prefix) => new(Directory.CreateTempSubdirectory(prefix).FullName);

    /// <summary>Deletes the directory and everything in it.</summary>
    public void Dispose() => DeleteQuietly(Path);

    /// <summary>Deletes a directory if it exists; a leftover directory must not fail a test run.</summary>
    internal static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
