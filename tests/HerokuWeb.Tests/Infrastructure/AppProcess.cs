using System.Diagnostics;
using System.Net;
using System.Text;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>A running web process of a published app, reached the way Heroku's router reaches it.</summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly IDisposable? _owned;
    private readonly StringBuilder _output = new();

    private AppProcess(Process process, int port, IDisposable? owned)
    {
        _process = process;
        Port = port;
        _owned = owned;
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://localhost:{Port}/");

    public bool HasExited => _process.HasExited;

    /// <summary>The app's process id: the Procfile's command ends in <c>exec</c>, so bash's process becomes the app's.</summary>
    public int Id => _process.Id;

    /// <summary>The files the app's process has mapped, among them every managed assembly it has loaded.</summary>
    public string MappedFiles => File.ReadAllText($"/proc/{Id}/maps");

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="clean">Whether <paramref name="environment"/> is the whole environment (a dyno) or added to this process's (a developer's shell).</param>
    /// <param name="owned">Disposed after the process has exited, such as the dyno's own disk.</param>
    public static AppProcess Start(
        string command, string workingDirectory, IReadOnlyDictionary<string, string> environment, int port, bool clean = true, IDisposable? owned = null)
    {
        var process = new Process { StartInfo = ProcessRunner.StartInfo("bash", ["-c", command], workingDirectory, environment, clean) };
        var app = new AppProcess(process, port, owned);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>
    /// A client that talks like Heroku's router: plain HTTP to the dyno, with X-Forwarded-Proto saying the
    /// visitor used HTTPS. No redirects are followed, so tests see exactly what the app answered.
    /// </summary>
    public HttpClient CreateClient(CookieContainer? cookies = null, bool forwardedAsHttps = true)
    {
        var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        HttpMessageHandler pipeline = cookies is null
            ? handler
            : new BrowserCookies(cookies, forwardedAsHttps ? Uri.UriSchemeHttps : Uri.UriSchemeHttp) { InnerHandler = handler };
        var client = new HttpClient(pipeline) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (forwardedAsHttps)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.10");
        }
        return client;
    }

    /// <param name="host">The Host header to ask with, for an app that does not answer to localhost.</param>
    public async Task WaitUntilHealthyAsync(string? host = null, TimeSpan? timeout = null)
    {
        using var client = CreateClient();
        if (host is not null)
        {
            client.DefaultRequestHeaders.Host = host;
        }
        var deadline = DateTime.UtcNow + (timeout ?? StartTimeout);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                _process.WaitForExit(); // the rest of its output
                throw new InvalidOperationException($"The web process exited with {_process.ExitCode} before answering.\n{Output}");
            }
            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The web process did not answer /healthz within {(timeout ?? StartTimeout).TotalSeconds} s.\n{Output}");
    }

    /// <summary>Waits for <paramref name="condition"/>, and past <paramref name="patience"/> fails with what the processes wrote.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan patience, params AppProcess[] processes)
    {
        var deadline = DateTime.UtcNow + patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {patience.TotalMinutes} minutes for {what}.\n{string.Join("\n---\n", processes.Select(process => process.Output))}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the process has written <paramref name="text"/>, and fails if it never does. The app
    /// logs from a background queue, so a line can arrive after the response it belongs to.
    /// </summary>
    public async Task WaitForOutputAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The process never wrote \"{text}\".\n{Output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Sends SIGTERM, as Heroku does on every restart and deploy, and waits for the process to exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            (await ProcessRunner.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], "/")).EnsureSuccess();
        }
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Sends the process another signal (e.g. "TERM"), as Heroku may while it stops.</summary>
    public async Task SignalAsync(string signal) =>
        (await ProcessRunner.RunAsync("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], "/")).EnsureSuccess();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _owned?.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

/// <summary>
/// The visitor's cookie jar as their browser keeps it: for the URL they see, which is HTTPS when the router
/// forwards HTTPS, so Secure cookies come back although the router talks plain HTTP to the dyno.
/// </summary>
internal sealed class BrowserCookies(CookieContainer cookies, string scheme) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var visible = new UriBuilder(request.RequestUri!) { Scheme = scheme, Port = -1 }.Uri;
        if (cookies.GetCookieHeader(visible) is { Length: > 0 } header)
        {
            request.Headers.Add("Cookie", header);
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                cookies.SetCookies(visible, setCookie);
            }
        }
        return response;
    }
}
