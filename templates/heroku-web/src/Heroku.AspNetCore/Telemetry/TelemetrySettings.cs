using System.Globalization;
using System.Text.RegularExpressions;

namespace Heroku.AspNetCore;

/// <summary>
/// OpenTelemetry's standard variables (the <c>OTEL_*</c> that every OpenTelemetry SDK reads) and Heroku's dyno
/// metadata that names the app, its release and its dyno in what it exports. Unset
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, nothing is exported, nor collected. It names no OpenTelemetry type, so that an app
/// with telemetry off never loads OpenTelemetry's assemblies.
/// </summary>
/// <param name="env">The reader of the app's settings type.</param>
public sealed partial class TelemetrySettings(SettingsReader env)
{
    /// <summary>Where traces, metrics and logs go, over OTLP; null: nowhere, and nothing is collected.</summary>
    public Uri? Endpoint { get; } = env.Optional<Uri?>("OTEL_EXPORTER_OTLP_ENDPOINT", null, ParseEndpoint,
        help: "the base URL of an OTLP receiver (an observability add-on's or a collector's), e.g. "
            + "https://otlp.example.com:4318 (http/protobuf) or :4317 (grpc)");

    /// <summary>How they go: <c>http/protobuf</c> (the default, as the OpenTelemetry specification recommends) or <c>grpc</c>.</summary>
    public TelemetryProtocol Protocol { get; } = env.Optional("OTEL_EXPORTER_OTLP_PROTOCOL", TelemetryProtocol.HttpProtobuf, ParseProtocol,
        help: "http/protobuf or grpc (default http/protobuf)");

    /// <summary>Headers sent with every export, usually the backend's API key; the settings report never repeats them.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; } = env.Optional<IReadOnlyDictionary<string, string>>("OTEL_EXPORTER_OTLP_HEADERS",
        new Dictionary<string, string>(), ParseHeaders, secret: true,
        help: "name=value pairs separated by commas, values percent-encoded, e.g. x-api-key=abc123,x-team=web%20app");

    /// <summary>The service's name in every trace, metric and log; null: <c>HEROKU_APP_NAME</c>, else the app's assembly name.</summary>
    public string? ServiceName { get; } = env.Optional<string?>("OTEL_SERVICE_NAME", null, text => text,
        help: "a name, e.g. my-app (default: HEROKU_APP_NAME, else the app's name)");

    /// <summary>More resource attributes, which win over those this platform derives from dyno metadata.</summary>
    public IReadOnlyDictionary<string, string> ResourceAttributes { get; } = env.Optional<IReadOnlyDictionary<string, string>>("OTEL_RESOURCE_ATTRIBUTES",
        new Dictionary<string, string>(), text => ParsePairs(text, "resource attribute"),
        help: "key=value pairs separated by commas, values percent-encoded, e.g. deployment.environment.name=production");

    /// <summary>Which traces are kept, as <c>OTEL_TRACES_SAMPLER</c> names it: <c>parentbased_always_on</c> unless set.</summary>
    public string Sampler { get; } = env.Optional("OTEL_TRACES_SAMPLER", "parentbased_always_on", ParseSampler,
        help: "always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio "
            + "(default parentbased_always_on: every trace, or as the caller decided)");

    /// <summary>The share of traces the <c>traceidratio</c> samplers keep, from 0 to 1.</summary>
    public double SamplerRatio { get; } = env.Optional("OTEL_TRACES_SAMPLER_ARG", 1.0, ParseRatio,
        help: "for the traceidratio samplers, the share of traces kept, from 0 to 1, e.g. 0.25 (default 1)");

    /// <summary>Whether traces are sent: <c>OTEL_TRACES_EXPORTER</c> is <c>otlp</c> (the default) or <c>none</c>.</summary>
    public bool Traces { get; } = env.Optional("OTEL_TRACES_EXPORTER", true, ParseExporter,
        help: "otlp or none (default otlp)");

    /// <summary>Whether metrics are sent: <c>OTEL_METRICS_EXPORTER</c> is <c>otlp</c> (the default) or <c>none</c>.</summary>
    public bool Metrics { get; } = env.Optional("OTEL_METRICS_EXPORTER", true, ParseExporter,
        help: "otlp or none (default otlp)");

    /// <summary>
    /// Whether log entries are sent: <c>OTEL_LOGS_EXPORTER</c> is <c>otlp</c> (the default) or <c>none</c>, as when the
    /// backend already has them from a log drain.
    /// </summary>
    public bool Logs { get; } = env.Optional("OTEL_LOGS_EXPORTER", true, ParseExporter,
        help: "otlp or none (default otlp); none when a log drain already sends the logs");

    /// <summary>True when <c>OTEL_SDK_DISABLED=true</c>: nothing is exported or collected, whatever the endpoint.</summary>
    public bool Disabled { get; } = env.Optional("OTEL_SDK_DISABLED", false, Parse.Boolean,
        help: "true or false (default false)");

    /// <summary>The app's name on Heroku, from dyno metadata (<c>heroku labs:enable runtime-dyno-metadata</c>).</summary>
    public string? HerokuAppName { get; } = env.Optional<string?>("HEROKU_APP_NAME", null, text => text,
        help: "the app's name; Heroku sets it once `heroku labs:enable runtime-dyno-metadata` is on");

    /// <summary>The release running, e.g. <c>v42</c>, from dyno metadata.</summary>
    public string? HerokuReleaseVersion { get; } = env.Optional<string?>("HEROKU_RELEASE_VERSION", null, text => text,
        help: "the release, e.g. v42; Heroku sets it once `heroku labs:enable runtime-dyno-metadata` is on");

    /// <summary>The commit the app was built from, where the platform sets it.</summary>
    public string? SourceVersion { get; } = env.Optional<string?>("SOURCE_VERSION", null, text => text,
        help: "the commit the app was built from; Heroku's builds set it");

    /// <summary>The dyno, e.g. <c>web.1</c> or <c>worker.2</c>; Heroku sets it in every dyno.</summary>
    public string? Dyno { get; } = env.Optional<string?>("DYNO", null, text => text,
        help: "the dyno's name, e.g. web.1; Heroku sets it");

    /// <summary>Whether anything is exported: an endpoint is set, the SDK is not disabled, and a signal is sent.</summary>
    public bool Enabled => Endpoint is not null && !Disabled && (Traces || Metrics || Logs);

    /// <summary>Where OTLP/HTTP posts a signal: its path (<c>v1/traces</c>…) under the endpoint, as every SDK does.</summary>
    internal Uri SignalUrl(string path) => new(Endpoint!.AbsoluteUri.TrimEnd('/') + "/" + path);

    /// <summary>A client that sends <see cref="Headers"/> with every request, as the exporter and <c>check</c> post.</summary>
    internal HttpClient CreateClient(TimeSpan timeout)
    {
        var client = new HttpClient { Timeout = timeout };
        foreach (var (name, value) in Headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }
        return client;
    }

    /// <summary>
    /// The resource every signal carries: <c>service.name</c> (<c>OTEL_SERVICE_NAME</c>, else <c>HEROKU_APP_NAME</c>,
    /// else <paramref name="applicationName"/>), <c>service.version</c> (<c>HEROKU_RELEASE_VERSION</c>, else
    /// <c>SOURCE_VERSION</c>), <c>service.instance.id</c> (<c>DYNO</c>), and <c>OTEL_RESOURCE_ATTRIBUTES</c> over them.
    /// </summary>
    public IReadOnlyDictionary<string, object> Resource(string applicationName)
    {
        var attributes = new Dictionary<string, object> { ["service.name"] = HerokuAppName ?? applicationName };
        if ((HerokuReleaseVersion ?? SourceVersion) is { } version)
        {
            attributes["service.version"] = version;
        }
        if (Dyno is not null)
        {
            attributes["service.instance.id"] = Dyno;
            attributes["cloud.provider"] = "heroku";
        }
        foreach (var (key, value) in ResourceAttributes)
        {
            attributes[key] = value;
        }
        // The specification: OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES.
        if (ServiceName is not null)
        {
            attributes["service.name"] = ServiceName;
        }
        return attributes;
    }

    private static Uri ParseEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            && uri.Query.Length == 0 && uri.Fragment.Length == 0 && uri.UserInfo.Length == 0 ? uri
        : throw new FormatException("is not an http:// or https:// URL with a host and no query, e.g. https://otlp.example.com:4318");

    private static TelemetryProtocol ParseProtocol(string text) => text switch
    {
        "http/protobuf" => TelemetryProtocol.HttpProtobuf,
        "grpc" => TelemetryProtocol.Grpc,
        "http/json" => throw new FormatException("is http/json, which .NET's exporter does not send: use http/protobuf or grpc"),
        _ => throw new FormatException("is not an OTLP protocol: use http/protobuf or grpc"),
    };

    // Header names are HTTP tokens; the values are the secret part, so a problem names its entry by position and
    // never quotes it.
    private static IReadOnlyDictionary<string, string> ParseHeaders(string text)
    {
        var headers = ParsePairs(text, "header");
        var position = 0;
        foreach (var (name, value) in headers)
        {
            position++;
            if (!HeaderName().IsMatch(name))
            {
                throw new FormatException($"has a header name that HTTP does not allow in entry {position}");
            }
            if (value.Any(c => char.IsControl(c) && c != '\t'))
            {
                throw new FormatException($"has a control character (a line break?) in the value of entry {position}");
            }
        }
        return headers;
    }

    // W3C Baggage's format, as the specification reads OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES:
    // key=value entries separated by commas, each value percent-decoded after the split, blanks around them ignored.
    private static Dictionary<string, string> ParsePairs(string text, string what)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        var position = 0;
        foreach (var entry in text.Split(','))
        {
            position++;
            if (entry.Trim().Length == 0)
            {
                continue;
            }
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? "" : entry[..equals].Trim();
            if (key.Length == 0)
            {
                throw new FormatException($"has an entry that is not key=value: {what} {position}");
            }
            // As OpenTelemetry's own reader: a % that starts no escape stays as it is.
            pairs[key] = Uri.UnescapeDataString(entry[(equals + 1)..].Trim());
        }
        return pairs.Count > 0 ? pairs : throw new FormatException($"lists no {what}: write key=value, separated by commas");
    }

    private static string ParseSampler(string text) => text switch
    {
        "always_on" or "always_off" or "traceidratio" or "parentbased_always_on" or "parentbased_always_off" or "parentbased_traceidratio" => text,
        _ => throw new FormatException("is not a sampler .NET's SDK has: use always_on, always_off, traceidratio or their parentbased_ forms"),
    };

    // The specification allows a list and other exporters (zipkin, console); the OTLP exporter is the one this has.
    private static bool ParseExporter(string text) => text switch
    {
        "otlp" => true,
        "none" => false,
        _ => throw new FormatException("is not an exporter this app has: use otlp, or none to send none of this signal"),
    };

    private static double ParseRatio(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1 ? ratio
        : throw new FormatException("is not a number from 0 to 1");

    [GeneratedRegex(@"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")]
    private static partial Regex HeaderName();
}

/// <summary>The OTLP transports .NET's exporter has.</summary>
public enum TelemetryProtocol
{
    /// <summary><c>http/protobuf</c>: each signal posted to its path under the endpoint, usually on port 4318.</summary>
    HttpProtobuf,

    /// <summary><c>grpc</c>: usually on port 4317.</summary>
    Grpc,
}
