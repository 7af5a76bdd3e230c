using System.Text;
using Microsoft.Extensions.FileSystemGlobbing;

namespace TemplateVerifier;

/// <summary>
/// An immutable set of files keyed by relative path (always with <c>/</c> separators), with their
/// exact bytes. Used both for what a template generated and for a committed <c>.verified</c> directory.
/// </summary>
internal sealed class DirectorySnapshot
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Hidden files (dotfiles on Unix) are part of a template's output: never skip them.
    private static readonly EnumerationOptions AllFiles = new()
    {
        RecurseSubdirectories = true,
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        MatchType = MatchType.Simple,
    };

    private readonly SortedDictionary<string, byte[]> _files;

    /// <summary>Creates a snapshot from relative paths and contents.</summary>
    /// <param name="files">Relative paths (either separator) and file contents.</param>
    public DirectorySnapshot(IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (path, content) in files)
        {
            _files.Add(NormalizePath(path), content ?? throw new ArgumentException($"File '{path}' has no content.", nameof(files)));
        }
    }

    /// <summary>A snapshot with no files.</summary>
    public static DirectorySnapshot Empty { get; } = new([]);

    /// <summary>Files by relative path (<c>/</c>-separated), in ordinal order.</summary>
    public IReadOnlyDictionary<string, byte[]> Files => _files;

    /// <summary>
    /// Reads every file under <paramref name="directory"/> recursively, dotfiles included.
    /// Include/exclude patterns are <see cref="Matcher"/> globs relative to <paramref name="directory"/>
    /// (see <see cref="TemplateVerifierOptions.VerificationIncludePatterns"/>); with none, every file is read.
    /// </summary>
    /// <param name="directory">The directory to read.</param>
    /// <param name="includePatterns">Only files matching one of these are read (all when null or empty).</param>
    /// <param name="excludePatterns">Files matching any of these are skipped.</param>
    public static DirectorySnapshot FromDirectory(string directory, IEnumerable<string>? includePatterns = null, IEnumerable<string>? excludePatterns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Directory '{root}' does not exist.");
        }

        // Case-sensitive, as paths are on Linux: a template that renames Program.cs to program.cs changed.
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddIncludePatterns(includePatterns?.Any() == true ? includePatterns : ["**/*"]);
        matcher.AddExcludePatterns(excludePatterns ?? []);
        var files = new List<KeyValuePair<string, byte[]>>();
        foreach (var file in Directory.EnumerateFiles(root, "*", AllFiles))
        {
            var relative = NormalizePath(Path.GetRelativePath(root, file));
            if (matcher.Match(relative).HasMatches)
            {
                files.Add(new(relative, File.ReadAllBytes(file)));
            }
        }

        return new DirectorySnapshot(files);
    }

    /// <summary>Compares an expected snapshot with an actual one.</summary>
    /// <param name="verified">The expected files (e.g. a <c>.verified</c> directory).</param>
    /// <param name="received">The actual files (e.g. what the template generated).</param>
    public static SnapshotComparison Compare(DirectorySnapshot verified, DirectorySnapshot received)
    {
        ArgumentNullException.ThrowIfNull(verified);
        ArgumentNullException.ThrowIfNull(received);
        var differences = new List<FileDifference>();
        foreach (var path in verified.Files.Keys.Union(received.Files.Keys).Order(StringComparer.Ordinal))
        {
            var inVerified = verified.Files.TryGetValue(path, out var expected);
            var inReceived = received.Files.TryGetValue(path, out var actual);
            if (inVerified && inReceived)
            {
                if (!expected.AsSpan().SequenceEqual(actual))
                {
                    differences.Add(FileDifference.Create(path, FileDifferenceKind.Changed, expected, actual));
                }
            }
            else if (inReceived)
            {
                differences.Add(FileDifference.Create(path, FileDifferenceKind.Added, null, actual));
            }
            else
            {
                differences.Add(FileDifference.Create(path, FileDifferenceKind.Removed, expected, null));
            }
        }

        return new SnapshotComparison(differences);
    }

    /// <summary>
    /// Makes <paramref name="directory"/> hold exactly these files: it is deleted first if it exists,
    /// so files no longer in the snapshot disappear. Only point this at a directory the snapshot owns.
    /// </summary>
    /// <param name="directory">The directory to (re)create.</param>
    public void WriteTo(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(root);
        foreach (var (path, content) in _files)
        {
            var target = Path.Combine(root, path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, content);
        }
    }

    /// <summary>Returns a copy with the file at <paramref name="path"/> added or replaced.</summary>
    internal DirectorySnapshot With(string path, byte[] content)
    {
        var copy = new Dictionary<string, byte[]>(_files, StringComparer.Ordinal) { [NormalizePath(path)] = content };
        return new DirectorySnapshot(copy);
    }

    /// <summary>Returns a copy where every text file's content has been passed through <paramref name="transform"/>; binary files are kept as is.</summary>
    internal DirectorySnapshot TransformText(Func<string, string> transform)
    {
        var files = _files.Select(pair =>
        {
            if (!TryDecodeText(pair.Value, out var text))
            {
                return pair;
            }

            var transformed = transform(text);
            return string.Equals(transformed, text, StringComparison.Ordinal)
                ? pair
                : new KeyValuePair<string, byte[]>(pair.Key, StrictUtf8.GetBytes(transformed));
        });
        return new DirectorySnapshot(files);
    }

    /// <summary>
    /// Treats content as text when it is valid UTF-8 without NUL bytes. Decoding keeps a BOM as
    /// U+FEFF, so re-encoding gives back the same bytes.
    /// </summary>
    internal static bool TryDecodeText(byte[] content, out string text)
    {
        if (content.AsSpan().IndexOf((byte)0) >= 0)
        {
            text = string.Empty;
            return false;
        }

        try
        {
            text = StrictUtf8.GetString(content);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    internal static string NormalizePath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var normalized = path.Replace('\\', '/').TrimStart('/');
        if (normalized.Length == 0 || normalized.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new ArgumentException($"'{path}' is not a relative file path.", nameof(path));
        }

        return normalized;
    }
}
