using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests;

/// <summary>
/// A real OTLP/gRPC receiver on 127.0.0.1 (the Collector's <c>otlp</c> receiver on port 4317, in miniature): Kestrel
/// speaking HTTP/2 without TLS, as a collector beside the app does, takes the three services' <c>Export</c> calls,
/// unframes each gRPC message and decodes it as <see cref="OtlpReceiver"/> does the OTLP/HTTP posts.
/// </summary>
internal sealed class OtlpGrpcReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpGrpcReceiver(WebApplication app) => _app = app;

    /// <summary>The base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names it for gRPC.</summary>
    public string Endpoint { get; private set; } = "";

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<OtlpMetric> Metrics { get; } = new();

    public ConcurrentQueue<OtlpLogRecord> Logs { get; } = new();

    /// <summary>Each call's path, HTTP version and headers, in the order they came.</summary>
    public ConcurrentQueue<(string Path, string Protocol, IHeaderDictionary Headers)> Calls { get; } = new();

    public static async Task<OtlpGrpcReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new OtlpGrpcReceiver(app);
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            context => receiver.ExportAsync(context, message => Enqueue(receiver.Spans, OtlpSpan.Read(message))));
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export",
            context => receiver.ExportAsync(context, message => Enqueue(receiver.Metrics, OtlpMetric.Read(message))));
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export",
            context => receiver.ExportAsync(context, message => Enqueue(receiver.Logs, OtlpLogRecord.Read(message))));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.Endpoint = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return receiver;
    }

    private static void Enqueue<T>(ConcurrentQueue<T> queue, IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            queue.Enqueue(item);
        }
    }

    // One unary call: a message framed as gRPC frames it (a compressed flag, a 4-byte big-endian length), answered
    // with an empty Export*ServiceResponse and grpc-status 0 in the trailers.
    private async Task ExportAsync(HttpContext context, Action<byte[]> read)
    {
        Calls.Enqueue((context.Request.Path, context.Request.Protocol, context.Request.Headers));
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var frame = body.ToArray();
        context.Response.ContentType = "application/grpc";
        if (frame.Length < 5 || frame[0] != 0 || BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)) != frame.Length - 5
            || !context.Request.ContentType!.StartsWith("application/grpc", StringComparison.Ordinal))
        {
            context.Response.AppendTrailer("grpc-status", "3"); // INVALID_ARGUMENT
            return;
        }
        read(frame[5..]);
        await context.Response.Body.WriteAsync(new byte[5]);
        context.Response.AppendTrailer("grpc-status", "0");
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
