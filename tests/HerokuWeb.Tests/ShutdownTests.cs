using System.Diagnostics;
using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// Every deploy and the daily restart send the web process SIGTERM while the router is sending it requests;
/// the published database app, run from its Procfile, must answer every request it takes and exit in time.
/// </summary>
public sealed class ShutdownTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    // Heroku sends SIGKILL 30 s after SIGTERM.
    private static readonly TimeSpan SigkillAfter = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    public async Task A_sigterm_under_keep_alive_and_per_request_load_loses_no_request(int round, int sigterms)
    {
        // Three rounds with one SIGTERM and one with two, each a fresh process.
        await using var web = await StartMigratedAsync($"shutdown_load_{round}");
        var load = LoadClients.Start(web.Port, keepAlive: 32, perRequest: 8);
        await load.WaitForAnswersAsync(500);

        var clock = Stopwatch.StartNew();
        var stopping = web.StopAsync(SigkillAfter);
        if (sigterms == 2)
        {
            // While it drains, as a second stop of the dyno would.
            await web.WaitForOutputAsync("Application is shutting down");
            await web.SignalAsync("TERM");
        }
        var exitCode = await stopping;
        var exitedAfter = clock.Elapsed;
        var finished = await load.FinishAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(load.Lost);
        Assert.Equal(0, exitCode);
        Assert.True(finished, "A client was still neither answered nor refused after the process exited.");
        Assert.Equal(40, load.Refused);
        // Well inside the 30 s: nothing held it open, so it did not wait out the drain's window.
        Assert.True(exitedAfter < TimeSpan.FromSeconds(10), $"The process took {exitedAfter.TotalSeconds:0.0} s to exit.");
    }

    [Fact]
    public async Task A_post_in_flight_across_sigterm_is_answered_and_saved()
    {
        var database = await postgres.CreateDatabaseAsync("shutdown_post");
        await using var web = await StartMigratedAsync(database: database);
        using var client = web.CreateClient(new CookieContainer());
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/Guestbook"));
        var name = $"In flight {Guid.NewGuid():N}";
        var form = await Html.Form(token, ("Input.Name", name), ("Input.Message", "Sent across a restart")).ReadAsByteArrayAsync();
        var rest = new TaskCompletionSource();
        using var body = new SlowContent(form, rest.Task);

        // The headers and half the body go out on the page's keep-alive connection, then SIGTERM, then the rest.
        var posting = client.PostAsync("/Guestbook", body);
        await body.HalfSent;
        var stopping = web.StopAsync(SigkillAfter);
        await web.WaitForOutputAsync("Application is shutting down");
        rest.SetResult();
        var post = await posting;

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.True(post.Headers.ConnectionClose, "The answer should close its connection: the process is stopping.");
        Assert.Equal(0, await stopping);
        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(database, $"SELECT count(*) FROM guestbook_entries WHERE name = '{name}'"));
    }

    [Fact]
    public async Task After_sigterm_a_new_connection_is_refused_before_it_can_carry_a_request()
    {
        await using var web = await StartMigratedAsync("shutdown_refused");
        using var held = await RawHttpConnection.OpenAsync(web.Port); // keeps the process in its drain

        var stopping = web.StopAsync(SigkillAfter);
        await web.WaitForOutputAsync("Application is shutting down");
        var clock = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAnyAsync<Exception>(async () => (await RawHttpConnection.OpenAsync(web.Port)).Dispose());

        Assert.IsType<System.Net.Sockets.SocketException>(refused, exactMatch: false);
        Assert.False(web.HasExited, "The process should still be draining the open connection.");
        var request = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n";
        await held.SendAsync(request);
        var response = await held.ReadResponseAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(200, response?.StatusCode);
        Assert.Equal("close", response!.Headers["Connection"].Single(), ignoreCase: true);
        Assert.Equal(0, await stopping);
        Assert.True(clock.Elapsed < SigkillAfter);
    }

    private async Task<AppProcess> StartMigratedAsync(string purpose = "shutdown", string? database = null) =>
        await (await apps.PublishedAsync(package, Scenario.Postgres))
            .ReleaseAndStartWebAsync(ConfigVars.Production(database ?? await postgres.CreateDatabaseAsync(purpose)));

    /// <summary>A form body sent in two halves: the second only when <paramref name="rest"/> completes.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly byte[] _body;
        private readonly Task _rest;

        public SlowContent(byte[] body, Task rest)
        {
            _body = body;
            _rest = rest;
            Headers.ContentType = new("application/x-www-form-urlencoded");
        }

        public Task HalfSent => _halfSent.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var half = _body.Length / 2;
            await stream.WriteAsync(_body.AsMemory(0, half));
            await stream.FlushAsync();
            _halfSent.SetResult();
            await _rest;
            await stream.WriteAsync(_body.AsMemory(half));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Length;
            return true;
        }
    }
}
