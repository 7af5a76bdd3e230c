using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// A real OTLP/HTTP receiver on 127.0.0.1 for the tests (an OpenTelemetry Collector's <c>otlphttp</c> receiver, in
/// miniature): it takes <c>/v1/traces</c>, <c>/v1/metrics</c> and <c>/v1/logs</c> posts of protobuf, decodes them with
/// a small wire reader (<see cref="Proto"/>), and keeps what arrived. Every request's headers are kept too.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _loop;

    private readonly string? _apiKey;

    private OtlpReceiver(int port, string? apiKey)
    {
        Port = port;
        _apiKey = apiKey;
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(ListenAsync);
    }

    public int Port { get; }

    /// <summary>The base URL, as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names it.</summary>
    public string Endpoint => $"http://127.0.0.1:{Port}";

    public ConcurrentQueue<OtlpSpan> Spans { get; } = new();

    public ConcurrentQueue<OtlpMetric> Metrics { get; } = new();

    public ConcurrentQueue<OtlpLogRecord> Logs { get; } = new();

    /// <summary>Each request's path and headers, in the order they came.</summary>
    public ConcurrentQueue<(string Path, WebHeaderCollection Headers)> Requests { get; } = new();

    /// <summary>Starts a receiver; with <paramref name="apiKey"/>, one that answers 401 to a post without it in <c>x-api-key</c>, as backends do.</summary>
    public static OtlpReceiver Start(string? apiKey = null)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new OtlpReceiver(Ports.Free(), apiKey);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Taken between Ports.Free and Start: another port.
            }
        }
    }

    private async Task ListenAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var path = context.Request.Url?.AbsolutePath ?? "";
            Requests.Enqueue((path, (WebHeaderCollection)context.Request.Headers));
            if (_apiKey is not null && context.Request.Headers["x-api-key"] != _apiKey)
            {
                context.Response.StatusCode = 401;
                context.Response.Close();
                continue;
            }
            var known = true;
            switch (path)
            {
                case "/v1/traces":
                    foreach (var span in OtlpSpan.Read(body.ToArray()))
                    {
                        Spans.Enqueue(span);
                    }
                    break;
                case "/v1/metrics":
                    foreach (var metric in OtlpMetric.Read(body.ToArray()))
                    {
                        Metrics.Enqueue(metric);
                    }
                    break;
                case "/v1/logs":
                    foreach (var log in OtlpLogRecord.Read(body.ToArray()))
                    {
                        Logs.Enqueue(log);
                    }
                    break;
                default:
                    known = false;
                    break;
            }
            // An empty Export*ServiceResponse: everything accepted.
            context.Response.StatusCode = known ? 200 : 404;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}

/// <summary>A span as it arrived, with its resource's attributes.</summary>
public sealed record OtlpSpan(string Name, string TraceId, string SpanId, string ParentSpanId, int Kind,
    IReadOnlyDictionary<string, object> Attributes, IReadOnlyDictionary<string, object> Resource, string Scope, int StatusCode)
{
    internal static IEnumerable<OtlpSpan> Read(byte[] request) =>
        // ExportTraceServiceRequest: 1 resource_spans { 1 resource, 2 scope_spans { 1 scope, 2 spans } }.
        from resourceSpans in Proto.Messages(request, 1)
        let resource = Proto.ResourceAttributes(resourceSpans)
        from scopeSpans in Proto.Messages(resourceSpans, 2)
        let scope = Proto.ScopeName(scopeSpans)
        from span in Proto.Messages(scopeSpans, 2)
        let fields = Proto.Fields(span).ToList()
        select new OtlpSpan(
            Name: Proto.String(fields, 5),
            TraceId: Proto.Hex(fields, 1),
            SpanId: Proto.Hex(fields, 2),
            ParentSpanId: Proto.Hex(fields, 4),
            Kind: (int)Proto.Varint(fields, 6),
            Attributes: Proto.Attributes(fields, 9),
            Resource: resource,
            Scope: scope,
            // Status: 3 code.
            StatusCode: fields.Where(field => field.Number == 15).Select(field => (int)Proto.Varint(Proto.Fields(field.Bytes).ToList(), 3)).FirstOrDefault());
}

/// <summary>A metric's name and its resource's attributes.</summary>
public sealed record OtlpMetric(string Name, string Scope, IReadOnlyDictionary<string, object> Resource)
{
    internal static IEnumerable<OtlpMetric> Read(byte[] request) =>
        // ExportMetricsServiceRequest: 1 resource_metrics { 1 resource, 2 scope_metrics { 1 scope, 2 metrics { 1 name } } }.
        from resourceMetrics in Proto.Messages(request, 1)
        let resource = Proto.ResourceAttributes(resourceMetrics)
        from scopeMetrics in Proto.Messages(resourceMetrics, 2)
        let scope = Proto.ScopeName(scopeMetrics)
        from metric in Proto.Messages(scopeMetrics, 2)
        select new OtlpMetric(Proto.String(Proto.Fields(metric).ToList(), 1), scope, resource);
}

/// <summary>A log record: its body, attributes, the trace it was written in, and its resource's attributes.</summary>
public sealed record OtlpLogRecord(string Body, string Category, string TraceId, string SpanId,
    IReadOnlyDictionary<string, object> Attributes, IReadOnlyDictionary<string, object> Resource)
{
    internal static IEnumerable<OtlpLogRecord> Read(byte[] request) =>
        // ExportLogsServiceRequest: 1 resource_logs { 1 resource, 2 scope_logs { 1 scope, 2 log_records } }.
        from resourceLogs in Proto.Messages(request, 1)
        let resource = Proto.ResourceAttributes(resourceLogs)
        from scopeLogs in Proto.Messages(resourceLogs, 2)
        let scope = Proto.ScopeName(scopeLogs)
        from record in Proto.Messages(scopeLogs, 2)
        let fields = Proto.Fields(record).ToList()
        // LogRecord: 5 body (AnyValue), 6 attributes, 9 trace_id, 10 span_id.
        select new OtlpLogRecord(
            Body: fields.Where(field => field.Number == 5).Select(field => Proto.AnyValue(field.Bytes)?.ToString() ?? "").FirstOrDefault() ?? "",
            Category: scope,
            TraceId: Proto.Hex(fields, 9),
            SpanId: Proto.Hex(fields, 10),
            Attributes: Proto.Attributes(fields, 6),
            Resource: resource);
}

/// <summary>Just enough of protobuf's wire format to read OTLP: fields by number, varints, bytes, and OTLP's attributes.</summary>
internal static class Proto
{
    public readonly record struct Field(int Number, int WireType, ulong Value, byte[] Bytes);

    public static IEnumerable<Field> Fields(byte[] message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var key = ReadVarint(message, ref position);
            var (number, wireType) = ((int)(key >> 3), (int)(key & 7));
            switch (wireType)
            {
                case 0:
                    yield return new(number, wireType, ReadVarint(message, ref position), []);
                    break;
                case 1:
                    yield return new(number, wireType, BitConverter.ToUInt64(message, position), []);
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref position);
                    yield return new(number, wireType, 0, message[position..(position + length)]);
                    position += length;
                    break;
                case 5:
                    yield return new(number, wireType, BitConverter.ToUInt32(message, position), []);
                    position += 4;
                    break;
                default:
                    throw new InvalidDataException($"Wire type {wireType} is not used by OTLP.");
            }
        }
    }

    public static IEnumerable<byte[]> Messages(byte[] message, int number) =>
        Fields(message).Where(field => field.Number == number).Select(field => field.Bytes);

    public static string String(IEnumerable<Field> fields, int number) =>
        fields.Where(field => field.Number == number).Select(field => Encoding.UTF8.GetString(field.Bytes)).FirstOrDefault() ?? "";

    public static string Hex(IEnumerable<Field> fields, int number) =>
        fields.Where(field => field.Number == number).Select(field => Convert.ToHexStringLower(field.Bytes)).FirstOrDefault() ?? "";

    public static ulong Varint(IEnumerable<Field> fields, int number) =>
        fields.Where(field => field.Number == number).Select(field => field.Value).FirstOrDefault();

    // Resource: 1 attributes.
    public static IReadOnlyDictionary<string, object> ResourceAttributes(byte[] resourceSignals) =>
        Messages(resourceSignals, 1).Select(resource => Attributes(Fields(resource).ToList(), 1)).FirstOrDefault() ?? new Dictionary<string, object>();

    // InstrumentationScope: 1 name.
    public static string ScopeName(byte[] scopeSignals) =>
        Messages(scopeSignals, 1).Select(scope => String(Fields(scope).ToList(), 1)).FirstOrDefault() ?? "";

    // KeyValue: 1 key, 2 value (AnyValue).
    public static IReadOnlyDictionary<string, object> Attributes(IEnumerable<Field> fields, int number)
    {
        var attributes = new Dictionary<string, object>();
        foreach (var keyValue in fields.Where(field => field.Number == number))
        {
            var parts = Fields(keyValue.Bytes).ToList();
            attributes[String(parts, 1)] = parts.Where(part => part.Number == 2).Select(part => AnyValue(part.Bytes)).FirstOrDefault() ?? "";
        }
        return attributes;
    }

    // AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array { 1 values }.
    public static object? AnyValue(byte[] value) => Fields(value).Select(field => field.Number switch
    {
        1 => Encoding.UTF8.GetString(field.Bytes),
        2 => field.Value != 0,
        3 => (long)field.Value,
        4 => BitConverter.Int64BitsToDouble((long)field.Value),
        5 => (object)Messages(field.Bytes, 1).Select(item => AnyValue(item)?.ToString() ?? "").ToArray(),
        _ => Convert.ToHexStringLower(field.Bytes),
    }).FirstOrDefault();

    private static ulong ReadVarint(byte[] message, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = message[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
