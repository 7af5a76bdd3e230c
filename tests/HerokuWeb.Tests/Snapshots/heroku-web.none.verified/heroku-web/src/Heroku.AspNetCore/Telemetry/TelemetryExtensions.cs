using System.Diagnostics;
using System.Runtime.CompilerServices;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Heroku.AspNetCore;

/// <summary>OpenTelemetry's traces, metrics and logs over OTLP, for Heroku's telemetry drains (Fir) or an add-on's endpoint.</summary>
public static class TelemetryExtensions
{
    /// <summary>The span and log attribute that carries the router's <c>X-Request-ID</c>, which its log line shows as <c>request_id=</c>.</summary>
    public const string RequestIdAttribute = "heroku.request_id";

    /// <summary>
    /// With <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set, exports over OTLP, from the web process and from commands (each signal
    /// unless its <c>OTEL_*_EXPORTER</c> is <c>none</c>): spans of
    /// incoming requests (with the router's request id) and outgoing HTTP, and what the rest of the platform adds
    /// (database commands, jobs from enqueue to run, email sends); ASP.NET Core's, HttpClient's and the runtime's
    /// metrics; and every log entry, in the trace it was written in. Unset, it registers nothing.
    /// </summary>
    public static WebApplicationBuilder AddHerokuTelemetry(this WebApplicationBuilder builder, TelemetrySettings settings)
    {
        builder.Services.AddSingleton(settings);
        // check: the endpoint takes an export with the app's headers (Telemetry/TelemetryCheck.cs).
        builder.Services.AddSingleton<IDeployCheck, TelemetryCheck>();
        // Off, nothing listens, so the platform's spans are never made (PlatformTelemetry.Source), and no exporter
        // connects: OpenTelemetry's assemblies are not even loaded, as only the methods below name its types.
        if (settings.Enabled)
        {
            AddOpenTelemetry(builder, settings);
        }
        return builder;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AddOpenTelemetry(WebApplicationBuilder builder, TelemetrySettings settings)
    {
        var resource = settings.Resource(builder.Environment.ApplicationName);
        var telemetry = builder.Services.AddOpenTelemetry()
            // Only what the settings say: not the SDK's own reading of the same variables.
            .ConfigureResource(attributes => attributes.Clear().AddTelemetrySdk().AddAttributes(resource));
        // A failed export as a warning in the log, made with the first provider that is.
        builder.Services.AddSingleton<ExportFailures>();

        // With each signal, what the rest of the platform adds to it (IInstrumentation), once the services are known.
        if (settings.Traces)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(Sampler(settings))
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddSource(PlatformTelemetry.Source.Name)
                .AddOtlpExporter("traces", options => Export(options, settings, "v1/traces")));
            builder.Services.ConfigureOpenTelemetryTracerProvider((services, tracing) =>
            {
                services.GetRequiredService<ExportFailures>();
                foreach (var instrumentation in services.GetServices<IInstrumentation>())
                {
                    instrumentation.AddTo(tracing);
                }
            });
        }
        if (settings.Metrics)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddOtlpExporter("metrics", (options, _) => Export(options, settings, "v1/metrics")));
            builder.Services.ConfigureOpenTelemetryMeterProvider((services, metrics) =>
            {
                services.GetRequiredService<ExportFailures>();
                foreach (var instrumentation in services.GetServices<IInstrumentation>())
                {
                    instrumentation.AddTo(metrics);
                }
            });
        }
        if (settings.Logs)
        {
            telemetry.WithLogging(logging => logging.AddOtlpExporter("logs", options => Export(options, settings, "v1/logs")),
                // Scopes carry the router's request id (RouterRequestId) onto every entry of its request.
                options => options.IncludeScopes = true);
            builder.Services.ConfigureOpenTelemetryLoggerProvider((services, _) => services.GetRequiredService<ExportFailures>());
        }
    }

    internal static Sampler Sampler(TelemetrySettings settings) => settings.Sampler switch
    {
        "always_on" => new AlwaysOnSampler(),
        "always_off" => new AlwaysOffSampler(),
        "traceidratio" => new TraceIdRatioBasedSampler(settings.SamplerRatio),
        "parentbased_always_off" => new ParentBasedSampler(new AlwaysOffSampler()),
        "parentbased_traceidratio" => new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SamplerRatio)),
        _ => new ParentBasedSampler(new AlwaysOnSampler()),
    };

    // One named exporter per signal, each with its own path. Headers go on the client, not in the exporter's Headers,
    // which it parses its own way (it decodes before it splits the pairs) and would read from the environment again.
    private static void Export(OtlpExporterOptions options, TelemetrySettings settings, string httpPath)
    {
#pragma warning disable CS0618 // gRPC is marked obsolete only for .NET Framework and .NET Standard.
        options.Protocol = settings.Protocol == TelemetryProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
#pragma warning restore CS0618
        // OTLP/HTTP posts each signal to its path under the base URL; gRPC takes the base URL itself.
        options.Endpoint = settings.Protocol == TelemetryProtocol.HttpProtobuf ? settings.SignalUrl(httpPath) : settings.Endpoint!;
        options.Headers = null;
        var timeout = TimeSpan.FromMilliseconds(options.TimeoutMilliseconds);
        options.HttpClientFactory = () => settings.CreateClient(timeout);
    }

    /// <summary>
    /// Starts telemetry for a command, which runs without starting the host (whose hosted service would start it),
    /// and returns what flushes it when the command ends; nothing when telemetry is off.
    /// </summary>
    internal static IDisposable? StartForCommand(IServiceProvider services) =>
        services.GetService<TelemetrySettings>() is { Enabled: true } ? StartProviders(services) : null;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IDisposable StartProviders(IServiceProvider services)
    {
        var tracing = services.GetService<TracerProvider>();
        var metrics = services.GetService<MeterProvider>();
        var logging = services.GetService<LoggerProvider>();
        return new Flush(tracing, metrics, logging);
    }

    private sealed class Flush(TracerProvider? tracing, MeterProvider? metrics, LoggerProvider? logging) : IDisposable
    {
        public void Dispose()
        {
            tracing?.ForceFlush();
            metrics?.ForceFlush();
            logging?.ForceFlush();
        }
    }
}

/// <summary>
/// What another part of the platform adds to traces and metrics (the database's); registered as a service, and called
/// only when telemetry is on, so that nothing of OpenTelemetry loads when it is off. No type of this assembly derives
/// from one of OpenTelemetry's: MVC reads every type of it (it has tag helpers), which would load OpenTelemetry.
/// </summary>
internal interface IInstrumentation
{
    void AddTo(TracerProviderBuilder tracing);

    void AddTo(MeterProviderBuilder metrics);
}

/// <summary>The platform's own spans (jobs, email): made only while telemetry listens.</summary>
internal static class PlatformTelemetry
{
    public static readonly ActivitySource Source = new("Heroku.AspNetCore");
}
