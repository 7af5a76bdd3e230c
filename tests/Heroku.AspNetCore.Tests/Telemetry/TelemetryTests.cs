using System.Net.Http.Headers;
using Hangfire;
using HerokuWeb.Tests.Infrastructure;
using Heroku.AspNetCore.Tests.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Heroku.AspNetCore.Tests.Telemetry;

/// <summary>
/// Apps built as an app's Program.cs builds them, exporting to a real OTLP/HTTP receiver on this machine
/// (<see cref="OtlpReceiver"/>). Every app in the process makes spans while one of them listens, so each test finds
/// its own by a path or request id of its own. What an app exports is all sent by the time it is disposed.
/// </summary>
public sealed class TelemetryTests(PostgresServer postgres)
{
    private const string ApiKey = "otlp-api-key-for-the-tests";

    private static TelemetrySettings Settings(OtlpReceiver? receiver, params (string Name, string Value)[] more)
    {
        var variables = new Dictionary<string, string?>();
        if (receiver is not null)
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        }
        foreach (var (name, value) in more)
        {
            variables[name] = value;
        }
        return SettingsReader.Read(TestSettings.Configuration(variables), env => new TelemetrySettings(env));
    }

    private static WebApplication App(TelemetrySettings telemetry, Action<WebApplication> map, ListLoggerProvider? logs = null)
    {
        var builder = TestApps.CreateBuilder();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }
        builder.AddHeroku(TestSettings.Heroku());
        WithTelemetry(telemetry)(builder);
        var app = builder.Build();
        app.UseHeroku();
        map(app);
        return app;
    }

    private static Action<WebApplicationBuilder> WithTelemetry(TelemetrySettings telemetry) => builder =>
    {
        builder.AddHerokuTelemetry(telemetry);
        // Spans go in batches, every 5 seconds unless the SDK's own variable says otherwise.
        builder.Configuration["OTEL_BSP_SCHEDULE_DELAY"] = "100";
    };

    // A request's span ends after its response: an app disposed before that would have nothing of it to send.
    private static Task SpanOfAsync(OtlpReceiver receiver, string path, int count = 1) => JobsApps.WaitUntilAsync(
        () => receiver.Spans.Count(span => span.Attributes.GetValueOrDefault("url.path") as string == path) >= count, $"the span of {path}");

    private static string NewRequestId() => Guid.NewGuid().ToString();

    private static HttpRequestMessage Get(string path, string? requestId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (requestId is not null)
        {
            request.Headers.Add("X-Request-ID", requestId);
        }
        return request;
    }

    [Fact]
    public async Task Without_an_endpoint_no_OpenTelemetry_provider_is_registered_and_a_command_starts_none()
    {
        // With the database and jobs too, which offer their spans to OpenTelemetry should it be on.
        await using var app = JobsApps.Create(TestSettings.NoDatabaseUrl, configure: builder => builder.AddHerokuTelemetry(Settings(null)));

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
        Assert.DoesNotContain(app.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), service => service.GetType().FullName!.StartsWith("OpenTelemetry", StringComparison.Ordinal));
        Assert.Null(TelemetryExtensions.StartForCommand(app.Services));
    }

    [Fact]
    public async Task With_OTEL_SDK_DISABLED_no_OpenTelemetry_provider_is_registered_whatever_the_endpoint()
    {
        await using var receiver = OtlpReceiver.Start();
        await using var app = App(Settings(receiver, ("OTEL_SDK_DISABLED", "true")), _ => { });

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
    }

    [Fact]
    public async Task A_request_is_a_span_with_the_routers_request_id_and_the_app_release_and_dyno_from_dyno_metadata()
    {
        await using var receiver = OtlpReceiver.Start();
        var requestId = NewRequestId();
        var app = App(Settings(receiver, ("HEROKU_APP_NAME", "shop-prod"), ("HEROKU_RELEASE_VERSION", "v42"), ("DYNO", "web.1")),
            app => app.MapGet("/span/{id}", (string id) => id));
        using (var client = await TestApps.StartAsync(app))
        {
            (await client.SendAsync(Get($"/span/{requestId}", requestId))).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, $"/span/{requestId}");
        }
        await app.DisposeAsync();

        var span = Assert.Single(receiver.Spans, span => span.Attributes.GetValueOrDefault("url.path") as string == $"/span/{requestId}");
        Assert.Equal("GET /span/{id}", span.Name);
        Assert.Equal(requestId, span.Attributes[TelemetryExtensions.RequestIdAttribute]);
        Assert.Equal("shop-prod", span.Resource["service.name"]);
        Assert.Equal("v42", span.Resource["service.version"]);
        Assert.Equal("web.1", span.Resource["service.instance.id"]);
    }

    [Fact]
    public async Task Every_log_entry_written_while_serving_a_request_carries_its_request_id_and_trace()
    {
        await using var receiver = OtlpReceiver.Start();
        var requestId = NewRequestId();
        var app = App(Settings(receiver), app => app.MapGet("/logs/{id}", (string id, ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Shop.Orders").LogInformation("Order {OrderId} placed", id);
            return id;
        }));
        using (var client = await TestApps.StartAsync(app))
        {
            (await client.SendAsync(Get($"/logs/{requestId}", requestId))).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, $"/logs/{requestId}");
        }
        await app.DisposeAsync();

        var span = Assert.Single(receiver.Spans, span => span.Attributes.GetValueOrDefault("url.path") as string == $"/logs/{requestId}");
        var log = Assert.Single(receiver.Logs, log => log.Attributes.GetValueOrDefault("OrderId") as string == requestId);
        Assert.Equal("Shop.Orders", log.Category);
        Assert.Equal(requestId, log.Attributes[TelemetryExtensions.RequestIdAttribute]);
        Assert.Equal((span.TraceId, span.SpanId), (log.TraceId, log.SpanId));
    }

    [Theory]
    [InlineData("0123456789abcdefghi")] // 19 characters: the router makes its own id
    [InlineData("with spaces 0123456789 abcdefghij")]
    [InlineData("semicolon;0123456789abcdefghij")]
    [InlineData("ünïcödé-0123456789abcdefghij")]
    public async Task A_request_id_the_router_would_not_pass_through_is_kept_out_of_spans_and_logs(string requestId)
    {
        await using var receiver = OtlpReceiver.Start();
        var path = $"/unrouted/{Guid.NewGuid():N}";
        var app = App(Settings(receiver), app => app.MapGet(path, (ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Shop.Orders").LogInformation("Served {ServedPath}", path);
            return "ok";
        }));
        using (var client = await TestApps.StartAsync(app))
        {
            var request = Get(path, null);
            request.Headers.TryAddWithoutValidation("X-Request-ID", requestId);
            (await client.SendAsync(request)).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, path);
        }
        await app.DisposeAsync();

        var span = Assert.Single(receiver.Spans, span => span.Attributes.GetValueOrDefault("url.path") as string == path);
        var log = Assert.Single(receiver.Logs, log => log.Attributes.GetValueOrDefault("ServedPath") as string == path);
        Assert.False(span.Attributes.ContainsKey(TelemetryExtensions.RequestIdAttribute));
        Assert.False(log.Attributes.ContainsKey(TelemetryExtensions.RequestIdAttribute));
    }

    [Fact]
    public async Task A_request_id_of_200_characters_is_kept_and_one_of_201_is_not()
    {
        await using var receiver = OtlpReceiver.Start();
        var path = $"/long/{Guid.NewGuid():N}";
        var app = App(Settings(receiver), app => app.MapGet(path, () => "ok"));
        using (var client = await TestApps.StartAsync(app))
        {
            (await client.SendAsync(Get(path, new string('a', 200)))).EnsureSuccessStatusCode();
            (await client.SendAsync(Get(path, new string('b', 201)))).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, path, count: 2);
        }
        await app.DisposeAsync();

        var ids = receiver.Spans.Where(span => span.Attributes.GetValueOrDefault("url.path") as string == path)
            .Select(span => span.Attributes.GetValueOrDefault(TelemetryExtensions.RequestIdAttribute)).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains(new string('a', 200), ids);
        Assert.Contains(null, ids);
    }

    [Fact]
    public async Task Every_signal_is_posted_to_its_path_with_the_decoded_headers_of_OTEL_EXPORTER_OTLP_HEADERS()
    {
        await using var receiver = OtlpReceiver.Start();
        var app = App(Settings(receiver, ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey},x-team=web%20app%2Cblue")),
            app => app.MapGet("/headers", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger("Shop").LogInformation("Something to send");
                return "ok";
            }));
        using (var client = await TestApps.StartAsync(app))
        {
            (await client.GetAsync("/headers")).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, "/headers");
        }
        await app.DisposeAsync();

        Assert.Equal(new[] { "/v1/logs", "/v1/metrics", "/v1/traces" }, receiver.Requests.Select(request => request.Path).Distinct().Order(StringComparer.Ordinal));
        Assert.All(receiver.Requests, request =>
        {
            Assert.Equal(ApiKey, request.Headers["x-api-key"]);
            Assert.Equal("web app,blue", request.Headers["x-team"]);
        });
        Assert.Contains(receiver.Metrics, metric => metric.Name == "http.server.request.duration");
        Assert.Contains(receiver.Metrics, metric => metric.Name == "dotnet.assembly.count");
    }

    [Fact]
    public async Task With_grpc_every_signal_goes_to_the_base_url_over_http2_with_the_headers()
    {
        await using var receiver = await OtlpGrpcReceiver.StartAsync();
        var requestId = NewRequestId();
        var settings = Settings(null, ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey}"));
        var app = App(settings, app => app.MapGet("/grpc/{id}", (string id, ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Shop.Orders").LogInformation("Order {OrderId} placed", id);
            return id;
        }));
        using (var client = await TestApps.StartAsync(app))
        {
            (await client.SendAsync(Get($"/grpc/{requestId}", requestId))).EnsureSuccessStatusCode();
            await JobsApps.WaitUntilAsync(() => receiver.Spans.Any(span => span.Attributes.GetValueOrDefault("url.path") as string == $"/grpc/{requestId}"),
                "the span, over gRPC");
        }
        await app.DisposeAsync();

        var span = Assert.Single(receiver.Spans, span => span.Attributes.GetValueOrDefault("url.path") as string == $"/grpc/{requestId}");
        Assert.Equal(requestId, span.Attributes[TelemetryExtensions.RequestIdAttribute]);
        Assert.Contains(receiver.Logs, log => log.Attributes.GetValueOrDefault("OrderId") as string == requestId && log.TraceId == span.TraceId);
        Assert.Contains(receiver.Metrics, metric => metric.Name == "http.server.request.duration");
        Assert.All(receiver.Calls, call =>
        {
            Assert.Equal("HTTP/2", call.Protocol);
            Assert.Equal(ApiKey, call.Headers["x-api-key"]);
        });
    }

    [Fact]
    public async Task An_export_that_fails_is_one_warning_in_the_log_that_names_the_endpoint_and_why()
    {
        var logs = new ListLoggerProvider();
        var port = Ports.Free(); // nothing listens there
        var settings = Settings(null, ("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{port}"), ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey}"));
        var app = App(settings, app => app.MapGet("/lost", () => "ok"), logs);
        using (var client = await TestApps.StartAsync(app))
        {
            (await client.GetAsync("/lost")).EnsureSuccessStatusCode();
            // The span's batch goes in 100 ms (OTEL_BSP_SCHEDULE_DELAY), and fails.
            await JobsApps.WaitUntilAsync(() => logs.Lines.Any(line => line.Text.Contains("telemetry: an export failed", StringComparison.Ordinal)), "the failure's warning");
        }
        // Each signal's last export, on the way out, fails too: within the minute, no more lines.
        await app.DisposeAsync();

        var warning = Assert.Single(logs.Lines, line => line.Text.Contains("telemetry: an export failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains($"http://127.0.0.1:{port}/v1/", warning.Text);
        Assert.Contains("Connection refused", warning.Text);
        Assert.DoesNotContain(ApiKey, warning.Text);
        Assert.DoesNotContain("\n", warning.Text);
    }

    [Fact]
    public async Task A_signal_whose_exporter_is_none_is_neither_collected_nor_sent()
    {
        await using var receiver = OtlpReceiver.Start();
        var app = App(Settings(receiver, ("OTEL_LOGS_EXPORTER", "none"), ("OTEL_METRICS_EXPORTER", "none")),
            app => app.MapGet("/traces-only", (ILoggerFactory loggers) =>
            {
                loggers.CreateLogger("Shop").LogInformation("Something not to send");
                return "ok";
            }));
        using (var client = await TestApps.StartAsync(app))
        {
            Assert.NotNull(app.Services.GetService<TracerProvider>());
            Assert.Null(app.Services.GetService<MeterProvider>());
            Assert.Null(app.Services.GetService<LoggerProvider>());
            (await client.GetAsync("/traces-only")).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, "/traces-only");
        }
        await app.DisposeAsync();

        Assert.Equal(["/v1/traces"], receiver.Requests.Select(request => request.Path).Distinct());
    }

    [Fact]
    public async Task A_job_continues_the_trace_of_the_request_that_enqueued_it_and_its_database_commands_nest_in_its_span()
    {
        await using var receiver = OtlpReceiver.Start();
        var url = await postgres.CreateDatabaseAsync("telemetry_jobs");
        var key = Guid.NewGuid().ToString("N");
        var web = await JobsApps.MigratedAsync(url, WithTelemetry(Settings(receiver, ("DYNO", "web.1"))));
        web.UseHeroku();
        web.MapGet($"/enqueue/{key}", (IBackgroundJobClient jobs) => jobs.Enqueue<DatabaseJob>(job => job.RunAsync(key, CancellationToken.None)));
        using (var client = await TestApps.StartAsync(web))
        {
            (await client.GetAsync($"/enqueue/{key}")).EnsureSuccessStatusCode();
            await SpanOfAsync(receiver, $"/enqueue/{key}");
        }
        await web.DisposeAsync();

        // The worker process, from its own app as on its own dyno, run as the Procfile runs it.
        await using (var worker = JobsApps.Create(url, configure: WithTelemetry(Settings(receiver, ("DYNO", "worker.1")))))
        {
            var run = Task.Run(() => worker.RunHerokuAsync(["worker"]));
            await JobsApps.WaitUntilAsync(() => DatabaseJob.Runs.ContainsKey(key), "the job to run");
            worker.Lifetime.StopApplication();
            Assert.Equal(0, await run);
        }

        var request = Assert.Single(receiver.Spans, span => span.Name == $"GET /enqueue/{key}");
        var enqueue = Assert.Single(receiver.Spans, span => span.Name == "enqueue DatabaseJob.RunAsync" && span.TraceId == request.TraceId);
        var perform = Assert.Single(receiver.Spans, span => span.Name == "perform DatabaseJob.RunAsync" && span.TraceId == request.TraceId);
        var query = Assert.Single(receiver.Spans, span => span.Scope == "Npgsql" && span.ParentSpanId == perform.SpanId);
        Assert.Equal(request.SpanId, enqueue.ParentSpanId);
        Assert.Equal(enqueue.SpanId, perform.ParentSpanId);
        Assert.Equal(("web.1", "worker.1"), (enqueue.Resource["service.instance.id"], perform.Resource["service.instance.id"]));
        Assert.Contains(query.Attributes.Values, value => value is string text && text.Contains("pg_sleep", StringComparison.Ordinal));
        // The queue's own polling makes no trace of its own.
        Assert.DoesNotContain(receiver.Spans, span => span.Scope == "Npgsql" && span.ParentSpanId.Length == 0
            && span.Resource["service.instance.id"] as string == "worker.1");
    }
}
