using HerokuWeb.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Heroku.AspNetCore.Tests.Telemetry;

/// <summary>Telemetry's part of <c>check</c>: an endpoint that takes an export with the app's headers, and no API key in clear across a network.</summary>
public sealed class TelemetryCheckTests
{
    private const string ApiKey = "otlp-api-key-for-the-check";

    private static async Task<List<Finding>> CheckAsync(params (string Name, string Value)[] variables)
    {
        var settings = SettingsReader.Read(TestSettings.Configuration(variables.Select(variable => KeyValuePair.Create(variable.Name, (string?)variable.Value))),
            env => new TelemetrySettings(env));
        var builder = TestApps.CreateBuilder("Production");
        builder.AddHeroku(TestSettings.Heroku());
        builder.AddHerokuTelemetry(settings);
        await using var app = builder.Build();
        var check = app.Services.GetServices<IDeployCheck>().OfType<TelemetryCheck>().Single();
        return [.. await check.CheckAsync(app, [])];
    }

    [Fact]
    public async Task Off_there_is_nothing_to_check() => Assert.Empty(await CheckAsync());

    [Fact]
    public async Task An_endpoint_that_takes_the_headers_passes_and_records_nothing()
    {
        await using var receiver = OtlpReceiver.Start(ApiKey);

        Assert.Empty(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint), ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey}")));
        var post = Assert.Single(receiver.Requests);
        Assert.Equal("/v1/traces", post.Path);
        Assert.Empty(receiver.Spans);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_the_headers_is_an_error_that_names_the_api_key()
    {
        await using var receiver = OtlpReceiver.Start(ApiKey);

        var finding = Assert.Single(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint), ("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=an-old-key")));

        Assert.Equal((Severity.Error, "OTEL_EXPORTER_OTLP_ENDPOINT"), (finding.Severity, finding.Subject));
        Assert.Contains("answered 401", finding.Message);
        Assert.Contains("check the API key in OTEL_EXPORTER_OTLP_HEADERS", finding.Message);
        Assert.DoesNotContain("an-old-key", finding.ToString());
    }

    [Fact]
    public async Task A_url_that_is_not_the_otlp_base_url_is_an_error_that_says_what_is()
    {
        await using var receiver = OtlpReceiver.Start();

        var finding = Assert.Single(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint + "/v1/traces")));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains("/v1/traces/v1/traces answered 404", finding.Message);
        Assert.Contains("is this the OTLP/HTTP base URL", finding.Message);
    }

    [Fact]
    public async Task An_endpoint_nothing_listens_on_is_an_error()
    {
        var finding = Assert.Single(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{Ports.Free()}")));

        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains("cannot be reached (Connection refused", finding.Message);
    }

    [Fact]
    public async Task A_grpc_endpoint_is_checked_by_connecting()
    {
        await using var receiver = await OtlpGrpcReceiver.StartAsync();

        Assert.Empty(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        var closed = Assert.Single(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://127.0.0.1:{Ports.Free()}"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        Assert.Contains("cannot be reached", closed.Message);
    }

    [Fact]
    public async Task Headers_over_plain_http_to_another_host_are_a_warning_and_to_this_machine_are_not()
    {
        var findings = await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otlp.invalid:4318"), ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey}"));

        var warning = Assert.Single(findings, finding => finding.Severity == Severity.Warning);
        Assert.Contains("is http:// to otlp.invalid", warning.Message);
        Assert.Contains("unencrypted", warning.Message);
        Assert.DoesNotContain(ApiKey, warning.ToString());
        // Nothing answers at .invalid: that is an error of its own.
        Assert.Single(findings, finding => finding.Severity == Severity.Error);

        await using var receiver = OtlpReceiver.Start(ApiKey);
        Assert.Empty(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.Endpoint), ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey}")));
        Assert.DoesNotContain(await CheckAsync(("OTEL_EXPORTER_OTLP_ENDPOINT", $"http://localhost:{Ports.Free()}"), ("OTEL_EXPORTER_OTLP_HEADERS", $"x-api-key={ApiKey}")),
            finding => finding.Severity == Severity.Warning);
    }
}
