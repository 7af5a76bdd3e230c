using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using TemplateVerifier;

namespace HerokuWeb.Tests;

/// <summary>
/// Bundles built with the app, never at run time: minified and precompressed by the buildpack's publish,
/// linked by fingerprinted URL, served with immutable caching, content negotiation and revalidation.
/// </summary>
public sealed partial class StaticAssetsTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres, StaticAssetsTests.BundledApp bundled)
    : IClassFixture<StaticAssetsTests.BundledApp>
{
    public static TheoryData<string> Scenarios => BuildTests.Scenarios;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_first_clean_publish_contains_minified_precompressed_bundles(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        var bundles = Path.Combine(app.PublishDirectory, "wwwroot", "bundles");
        Assert.False(Directory.Exists(Path.Combine(app.ProjectDirectory, "obj")), "The app was restored or built before its publish: a fresh clone has no obj/.");

        foreach (var bundle in new[] { "site.css", "site.js" })
        {
            Assert.True(File.Exists(Path.Combine(bundles, bundle + ".br")), $"{bundle}.br is missing.");
            Assert.True(File.Exists(Path.Combine(bundles, bundle + ".gz")), $"{bundle}.gz is missing.");
            var minified = await File.ReadAllTextAsync(Path.Combine(bundles, bundle));
            Assert.DoesNotContain("/* Assets/", minified, StringComparison.Ordinal);
            Assert.True(minified.Length < SourcesLength(app, bundle) * 0.9, $"{bundle} is not minified.");
        }
        Assert.Equal(["bundles"], Directory.GetDirectories(Path.Combine(app.PublishDirectory, "wwwroot")).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(app.PublishDirectory, "Assets")), "The bundles' sources must not be published.");
        Assert.False(File.Exists(Path.Combine(app.PublishDirectory, "NUglify.dll")), "The minifier must not ship with the app.");
        Assert.DoesNotContain("NUglify", await File.ReadAllTextAsync(Path.Combine(app.PublishDirectory, app.Name + ".deps.json")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task The_home_page_links_exactly_the_fingerprinted_bundles(string scenario)
    {
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient();

        var html = await client.GetStringAsync("/");

        Assert.Equal(["/bundles/site.css"], Unfingerprinted(Stylesheets().Matches(html)));
        Assert.Equal(["/bundles/site.js"], Unfingerprinted(Scripts().Matches(html)));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Bundles_are_served_compressed_immutable_and_revalidate_to_304(string scenario)
    {
        await using var web = await StartAsync(scenario);
        using var client = web.CreateClient();
        var html = await client.GetStringAsync("/");
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));

        var urls = Stylesheets().Matches(html).Concat(Scripts().Matches(html)).Select(match => match.Groups["url"].Value).ToList();
        Assert.Equal(2, urls.Count);
        foreach (var url in urls)
        {
            var published = await File.ReadAllBytesAsync(Path.Combine(app.PublishDirectory, "wwwroot", "bundles", Unfingerprint(url)[(url.LastIndexOf('/') + 1)..]));

            using var brotli = new HttpRequestMessage(HttpMethod.Get, url);
            brotli.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            var response = await client.SendAsync(brotli);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
            Assert.Equal("max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
            Assert.Equal(published, Decompress(await response.Content.ReadAsByteArrayAsync(), "br"));
            var etag = Assert.IsType<EntityTagHeaderValue>(response.Headers.ETag);

            using var gzip = new HttpRequestMessage(HttpMethod.Get, url);
            gzip.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
            var gzipped = await client.SendAsync(gzip);
            Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
            Assert.Equal(published, Decompress(await gzipped.Content.ReadAsByteArrayAsync(), "gzip"));

            using var revalidation = new HttpRequestMessage(HttpMethod.Get, url);
            revalidation.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
            revalidation.Headers.IfNoneMatch.Add(etag);
            Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(revalidation)).StatusCode);
        }
    }

    [Fact]
    public async Task Static_files_that_browsers_open_as_pages_get_every_page_header_and_other_files_do_not()
    {
        // An app of its own, with files a user might put in wwwroot.
        var app = await GeneratedApp.CreateAsync(package, "Served", ["--database", "none"], restore: false);
        var wwwroot = Directory.CreateDirectory(Path.Combine(app.ProjectDirectory, "wwwroot")).FullName;
        await File.WriteAllTextAsync(Path.Combine(wwwroot, "about.html"), "<!doctype html><title>About</title><p>About us.</p>\n");
        await File.WriteAllTextAsync(Path.Combine(wwwroot, "logo.svg"), """<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>""" + "\n");
        await File.WriteAllTextAsync(Path.Combine(wwwroot, "guide.pdf"), "%PDF-1.4\n%%EOF\n");
        await File.WriteAllTextAsync(Path.Combine(wwwroot, "robots.txt"), "User-agent: *\nAllow: /\n");
        await app.PublishAsync();
        await using var web = await app.StartWebAsync(ConfigVars.Production());
        using var client = web.CreateClient();

        // Each in every form it is served in: as published, Brotli-compressed, and revalidated (304).
        foreach (var page in new[] { "/about.html", "/logo.svg", "/guide.pdf" })
        {
            var forms = await EveryFormAsync(client, page);
            if (page == "/about.html")
            {
                Assert.Equal(["br"], forms[1].Content.Headers.ContentEncoding);
            }
            foreach (var response in forms)
            {
                Assert.Contains("frame-ancestors 'none'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
                Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
                Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            }
        }
        var files = await EveryFormAsync(client, "/robots.txt");
        Assert.Equal(["br"], files[1].Content.Headers.ContentEncoding);
        foreach (var file in files)
        {
            Assert.Equal("nosniff", Assert.Single(file.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("strict-origin-when-cross-origin", Assert.Single(file.Headers.GetValues("Referrer-Policy")));
            Assert.False(file.Headers.Contains("Content-Security-Policy"), "A file that is no page went through the page pipeline.");
        }
    }

    [Fact]
    public async Task A_rebuild_skips_bundling_until_a_source_changes()
    {
        var app = await bundled.AppAsync(package);
        var bundle = Path.Combine(app.ProjectDirectory, "obj", "Debug", "net10.0", "bundling", "bundles", "site.css");
        await BuildProjectAsync(app);
        Assert.True(File.Exists(bundle), $"The build wrote no bundle at {bundle}.");
        var written = File.GetLastWriteTimeUtc(bundle);

        var unchanged = await BuildProjectAsync(app, "-v:d");

        Assert.Contains("Skipping target \"BuildBundles\" because all output files are up-to-date", unchanged.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(bundle));

        // The control: without it, a bundling step that never runs at all would pass the checks above.
        File.SetLastWriteTimeUtc(Path.Combine(app.ProjectDirectory, "Assets", "css", "base.css"), DateTime.UtcNow);
        await BuildProjectAsync(app);

        Assert.True(File.GetLastWriteTimeUtc(bundle) > written, "A changed source did not rebuild its bundle.");
    }

    [Fact]
    public async Task Syntax_errors_in_css_and_js_fail_the_build_naming_file_and_line()
    {
        var app = await bundled.AppAsync(package);
        await using var _ = await BundledApp.ChangesAsync(app, "Assets/css/components.css", "Assets/js/forms.js");
        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "Assets", "css", "components.css"), "\n.broken { color: }\n");
        var cssLine = File.ReadAllLines(Path.Combine(app.ProjectDirectory, "Assets", "css", "components.css")).Length;
        await File.AppendAllTextAsync(Path.Combine(app.ProjectDirectory, "Assets", "js", "forms.js"), "\nconst = 1;\n");
        var jsLine = File.ReadAllLines(Path.Combine(app.ProjectDirectory, "Assets", "js", "forms.js")).Length;

        var build = await DotnetCli.RunAsync(["build", app.SolutionPath], app.Directory);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches($@"Assets/css/components\.css\({cssLine},\d+\): error BUNDLE001", build.StandardOutput);
        Assert.Matches($@"Assets/js/forms\.js\({jsLine},\d+\): error BUNDLE001", build.StandardOutput);
    }

    [Fact]
    public async Task A_bundle_the_app_rewrote_in_Development_does_not_spare_its_sources_the_next_builds_checks()
    {
        var app = await bundled.AppAsync(package);
        var bundles = Path.Combine(app.ProjectDirectory, "obj", "Debug", "net10.0", "bundling", "bundles");
        await BuildProjectAsync(app);
        await using var _ = await BundledApp.ChangesAsync(app, "Assets/css/components.css");
        var source = Path.Combine(app.ProjectDirectory, "Assets", "css", "components.css");
        await File.AppendAllTextAsync(source, "\n.broken { color: }\n");

        // What the running app does in Development when a stylesheet is saved, and then a script
        // (Bundling/BundleWatcher.cs): each bundle is rewritten after its sources, and so both are newer than any.
        await File.AppendAllTextAsync(Path.Combine(bundles, "site.css"), "\n.broken { color: }\n");
        foreach (var bundle in Directory.GetFiles(bundles))
        {
            File.SetLastWriteTimeUtc(bundle, File.GetLastWriteTimeUtc(source).AddSeconds(1));
        }
        var build = await DotnetCli.RunAsync(["build", app.ProjectPath, "--no-restore"], app.Directory);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Matches(@"Assets/css/components\.css\(\d+,\d+\): error BUNDLE001", build.StandardOutput);
    }

    [Fact]
    public async Task A_bundle_listing_a_missing_source_fails_the_build_naming_it()
    {
        var app = await bundled.AppAsync(package);
        await using var _ = await BundledApp.ChangesAsync(app, Path.GetFileName(app.ProjectPath));
        await File.WriteAllTextAsync(app.ProjectPath, (await File.ReadAllTextAsync(app.ProjectPath)).Replace("Assets/css/base.css", "Assets/css/bsae.css", StringComparison.Ordinal));

        var build = await DotnetCli.RunAsync(["build", app.SolutionPath], app.Directory);

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error BUNDLE010: Bundle 'bundles/site.css': source file 'Assets/css/bsae.css' does not exist.", build.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>
    /// One app of its own for the tests that build after changing a source (touching a source must not rebuild
    /// the app other tests use), shared by them: they run one at a time, and each puts back what it changed.
    /// </summary>
    public sealed class BundledApp
    {
        private Task<GeneratedApp>? _app;

        public Task<GeneratedApp> AppAsync(TemplatePackage package) =>
            _app ??= GeneratedApp.CreateAsync(package, "Bundled", ["--database", "none"]);

        /// <summary>
        /// Keeps the contents of the files (paths in the app's project), and puts them back (and drops the bundles built
        /// from them) when disposed.
        /// </summary>
        public static async Task<IAsyncDisposable> ChangesAsync(GeneratedApp app, params string[] relativePaths)
        {
            var kept = new Dictionary<string, byte[]>();
            foreach (var path in relativePaths)
            {
                var file = Path.Combine(app.ProjectDirectory, path);
                kept[file] = await File.ReadAllBytesAsync(file);
            }
            return new Restore(app, kept);
        }

        private sealed class Restore(GeneratedApp app, Dictionary<string, byte[]> kept) : IAsyncDisposable
        {
            public async ValueTask DisposeAsync()
            {
                foreach (var (file, bytes) in kept)
                {
                    await File.WriteAllBytesAsync(file, bytes);
                }
                var bundling = Path.Combine(app.ProjectDirectory, "obj", "Debug", "net10.0", "bundling");
                if (Directory.Exists(bundling))
                {
                    Directory.Delete(bundling, recursive: true);
                }
            }
        }
    }

    private async Task<AppProcess> StartAsync(string scenario)
    {
        var app = await apps.PublishedAsync(package, BuildTests.Of(scenario));
        return await app.ReleaseAndStartWebAsync(await ConfigVars.ProductionAsync(BuildTests.Of(scenario), postgres, "assets"));
    }

    /// <summary>A static file as published, Brotli-compressed when asked, and revalidated (304).</summary>
    private static async Task<List<HttpResponseMessage>> EveryFormAsync(HttpClient client, string path)
    {
        var plain = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        using var brotli = new HttpRequestMessage(HttpMethod.Get, path);
        brotli.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var compressed = await client.SendAsync(brotli);
        Assert.Equal(HttpStatusCode.OK, compressed.StatusCode);
        using var revalidation = new HttpRequestMessage(HttpMethod.Get, path);
        revalidation.Headers.IfNoneMatch.Add(Assert.IsType<EntityTagHeaderValue>(plain.Headers.ETag));
        var notModified = await client.SendAsync(revalidation);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        return [plain, compressed, notModified];
    }

    private static async Task<ProcessResult> BuildProjectAsync(GeneratedApp app, params string[] options) =>
        (await DotnetCli.RunAsync(["build", app.ProjectPath, "--no-restore", .. options], app.Directory)).EnsureSuccess();

    private static long SourcesLength(GeneratedApp app, string bundle) =>
        Directory.GetFiles(Path.Combine(app.ProjectDirectory, "Assets", Path.GetExtension(bundle).TrimStart('.')))
            .Sum(file => new FileInfo(file).Length);

    private static string[] Unfingerprinted(MatchCollection links) =>
        [.. links.Select(match => match.Groups["url"].Value)
            .Select(url => Fingerprinted().IsMatch(url) ? Unfingerprint(url) : url + " (not fingerprinted)")];

    private static string Unfingerprint(string url) => Fingerprinted().Replace(url, "$1$2");

    private static byte[] Decompress(byte[] body, string encoding)
    {
        using Stream decompressor = encoding == "br"
            ? new BrotliStream(new MemoryStream(body), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var output = new MemoryStream();
        decompressor.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("""<link rel="stylesheet" href="(?<url>[^"]+)" """)]
    private static partial Regex Stylesheets();

    [GeneratedRegex("""<script src="(?<url>[^"]+)" """)]
    private static partial Regex Scripts();

    // MapStaticAssets' fingerprint: a dot-separated segment of lowercase letters and digits before the extension.
    [GeneratedRegex(@"^(/bundles/[^/.]+)\.[a-z0-9]{8,}(\.(css|js))$")]
    private static partial Regex Fingerprinted();
}
