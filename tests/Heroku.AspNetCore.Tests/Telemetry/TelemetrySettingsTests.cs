namespace Heroku.AspNetCore.Tests.Telemetry;

/// <summary>
/// OpenTelemetry's standard variables as the specification defines them (cases from the specification and from
/// opentelemetry-dotnet's own tests), and Heroku's dyno metadata in the resource.
/// </summary>
public sealed class TelemetrySettingsTests
{
    private const string ApiKey = "otlp-api-key-that-must-never-be-printed";

    private static TelemetrySettings Read(params (string Name, string Value)[] variables) =>
        SettingsReader.Read(TestSettings.Configuration(variables.Select(variable => KeyValuePair.Create(variable.Name, (string?)variable.Value))),
            env => new TelemetrySettings(env));

    private static SettingProblem Problem(params (string Name, string Value)[] variables) =>
        Assert.Single(Assert.Throws<InvalidSettingsException>(() => Read(variables)).Problems);

    [Fact]
    public void Unset_it_is_off_with_the_specifications_defaults()
    {
        var settings = Read();

        Assert.False(settings.Enabled);
        Assert.Null(settings.Endpoint);
        Assert.Equal(TelemetryProtocol.HttpProtobuf, settings.Protocol);
        Assert.Empty(settings.Headers);
        Assert.Equal("ParentBased{AlwaysOnSampler}", TelemetryExtensions.Sampler(settings).Description);
    }

    [Theory]
    [InlineData("http://localhost:4318")]
    [InlineData("https://otlp.example.com")]
    [InlineData("https://otlp.example.com:443/otlp/")]
    public void An_http_or_https_endpoint_turns_it_on(string endpoint)
    {
        var settings = Read(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));

        Assert.True(settings.Enabled);
        Assert.Equal(new Uri(endpoint), settings.Endpoint);
    }

    [Theory]
    [InlineData("localhost:4318")]
    [InlineData("otlp.example.com")]
    [InlineData("ftp://otlp.example.com")]
    [InlineData("https://otlp.example.com/?token=1")]
    [InlineData("https://user:password@otlp.example.com")]
    public void An_endpoint_that_is_not_an_http_url_is_a_named_error(string endpoint)
    {
        var problem = Problem(("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint));

        Assert.Equal("OTEL_EXPORTER_OTLP_ENDPOINT", problem.Name);
        Assert.StartsWith("is not an http:// or https:// URL", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void OTEL_SDK_DISABLED_turns_it_off_whatever_the_endpoint()
    {
        var settings = Read(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"), ("OTEL_SDK_DISABLED", "true"));

        Assert.False(settings.Enabled);
    }

    [Fact]
    public void Each_signal_is_sent_unless_its_exporter_is_none_and_with_none_of_them_it_is_off()
    {
        var endpoint = ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318");

        var all = Read(endpoint);
        Assert.Equal((true, true, true), (all.Traces, all.Metrics, all.Logs));
        var tracesOnly = Read(endpoint, ("OTEL_METRICS_EXPORTER", "none"), ("OTEL_LOGS_EXPORTER", "none"), ("OTEL_TRACES_EXPORTER", "otlp"));
        Assert.Equal((true, false, false, true), (tracesOnly.Traces, tracesOnly.Metrics, tracesOnly.Logs, tracesOnly.Enabled));
        Assert.False(Read(endpoint, ("OTEL_TRACES_EXPORTER", "none"), ("OTEL_METRICS_EXPORTER", "none"), ("OTEL_LOGS_EXPORTER", "none")).Enabled);
    }

    [Theory]
    [InlineData("OTEL_TRACES_EXPORTER", "zipkin")]
    [InlineData("OTEL_METRICS_EXPORTER", "prometheus")]
    [InlineData("OTEL_LOGS_EXPORTER", "console")]
    [InlineData("OTEL_LOGS_EXPORTER", "otlp,console")]
    public void An_exporter_other_than_otlp_or_none_is_a_named_error(string name, string value)
    {
        var problem = Problem(("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318"), (name, value));

        Assert.Equal(name, problem.Name);
        Assert.StartsWith("is not an exporter this app has: use otlp, or none", problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http/protobuf", TelemetryProtocol.HttpProtobuf)]
    [InlineData("grpc", TelemetryProtocol.Grpc)]
    public void The_protocol_is_http_protobuf_or_grpc(string text, TelemetryProtocol protocol) =>
        Assert.Equal(protocol, Read(("OTEL_EXPORTER_OTLP_PROTOCOL", text)).Protocol);

    [Theory]
    [InlineData("http/json", "is http/json, which .NET's exporter does not send")]
    [InlineData("HTTP", "is not an OTLP protocol")]
    public void Another_protocol_is_a_named_error(string text, string reason)
    {
        var problem = Problem(("OTEL_EXPORTER_OTLP_PROTOCOL", text));

        Assert.Equal("OTEL_EXPORTER_OTLP_PROTOCOL", problem.Name);
        Assert.StartsWith(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key1=value1", "key1=value1")]
    [InlineData("key1=value1,key2=value2,key3=value3", "key1=value1,key2=value2,key3=value3")]
    [InlineData(" key1 = value1 , key2=value2 ", "key1=value1,key2=value2")]
    [InlineData(",,key1=value1,,key2=value2,,", "key1=value1,key2=value2")]
    [InlineData("key1= value with spaces ,key2=another value", "key1=value with spaces,key2=another value")]
    [InlineData("Authorization=Basic Zm9vOmJhcg==", "Authorization=Basic Zm9vOmJhcg==")]
    [InlineData("x-api-key=web%20app%2C%3B%3D", "x-api-key=web app,;=")]
    [InlineData("key1=", "key1=")]
    public void Headers_are_w3c_baggage_pairs_split_then_percent_decoded(string text, string expected)
    {
        var headers = Read(("OTEL_EXPORTER_OTLP_HEADERS", text)).Headers;

        Assert.Equal(expected, string.Join(',', headers.Select(header => $"{header.Key}={header.Value}")));
    }

    [Theory]
    [InlineData($"x-api-key={ApiKey},oops", "has an entry that is not key=value: header 2")]
    [InlineData($"={ApiKey}", "has an entry that is not key=value: header 1")]
    [InlineData($"x api key={ApiKey}", "has a header name that HTTP does not allow in entry 1")]
    [InlineData($"x-api-key={ApiKey}%0D%0AX-Forged: 1", "has a control character (a line break?) in the value of entry 1")]
    [InlineData(" , ", "lists no header")]
    public void Malformed_headers_are_a_named_error_that_never_repeats_them(string text, string reason)
    {
        var exception = Assert.Throws<InvalidSettingsException>(() => Read(("OTEL_EXPORTER_OTLP_HEADERS", text)));
        var problem = Assert.Single(exception.Problems);

        Assert.Equal("OTEL_EXPORTER_OTLP_HEADERS", problem.Name);
        Assert.StartsWith(reason, problem.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(value hidden: secret)", problem.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_resource_names_the_app_its_release_and_its_dyno_from_heroku_dyno_metadata()
    {
        var settings = Read(("HEROKU_APP_NAME", "shop-prod"), ("HEROKU_RELEASE_VERSION", "v42"), ("SOURCE_VERSION", "0a1b2c3"), ("DYNO", "worker.2"));

        Assert.Equal(new Dictionary<string, object>
        {
            ["service.name"] = "shop-prod",
            ["service.version"] = "v42",
            ["service.instance.id"] = "worker.2",
            ["cloud.provider"] = "heroku",
        }, settings.Resource("Shop"));
    }

    [Fact]
    public void Without_dyno_metadata_the_service_is_the_app_and_its_version_the_built_commit()
    {
        var settings = Read(("SOURCE_VERSION", "0a1b2c3"));

        Assert.Equal(new Dictionary<string, object> { ["service.name"] = "Shop", ["service.version"] = "0a1b2c3" }, settings.Resource("Shop"));
    }

    [Fact]
    public void OTEL_RESOURCE_ATTRIBUTES_win_over_dyno_metadata_and_OTEL_SERVICE_NAME_over_both()
    {
        var settings = Read(("HEROKU_APP_NAME", "shop-prod"), ("DYNO", "web.1"), ("OTEL_SERVICE_NAME", "shop"),
            ("OTEL_RESOURCE_ATTRIBUTES", "service.name=ignored,service.instance.id=web-a,deployment.environment.name=production,query= select%20*%20from%20foo "));

        Assert.Equal(new Dictionary<string, object>
        {
            ["service.name"] = "shop",
            ["service.instance.id"] = "web-a",
            ["cloud.provider"] = "heroku",
            ["deployment.environment.name"] = "production",
            ["query"] = "select * from foo",
        }, settings.Resource("Shop"));
    }

    [Theory]
    [InlineData("always_on", null, "AlwaysOnSampler")]
    [InlineData("always_off", null, "AlwaysOffSampler")]
    [InlineData("traceidratio", "0.25", "TraceIdRatioBasedSampler{0.250000}")]
    [InlineData("parentbased_always_off", null, "ParentBased{AlwaysOffSampler}")]
    [InlineData("parentbased_traceidratio", "0.5", "ParentBased{TraceIdRatioBasedSampler{0.500000}}")]
    [InlineData("parentbased_traceidratio", null, "ParentBased{TraceIdRatioBasedSampler{1.000000}}")]
    public void The_sampler_is_the_one_OTEL_TRACES_SAMPLER_names(string name, string? argument, string description)
    {
        (string, string)[] variables = argument is null ? [("OTEL_TRACES_SAMPLER", name)] : [("OTEL_TRACES_SAMPLER", name), ("OTEL_TRACES_SAMPLER_ARG", argument)];

        Assert.Equal(description, TelemetryExtensions.Sampler(Read(variables)).Description);
    }

    [Theory]
    [InlineData("OTEL_TRACES_SAMPLER", "jaeger_remote", "is not a sampler .NET's SDK has")]
    [InlineData("OTEL_TRACES_SAMPLER_ARG", "1.5", "is not a number from 0 to 1")]
    [InlineData("OTEL_TRACES_SAMPLER_ARG", "half", "is not a number from 0 to 1")]
    public void A_sampler_or_ratio_it_cannot_use_is_a_named_error(string name, string value, string reason)
    {
        var problem = Problem((name, value));

        Assert.Equal(name, problem.Name);
        Assert.StartsWith(reason, problem.Reason, StringComparison.Ordinal);
    }
}
