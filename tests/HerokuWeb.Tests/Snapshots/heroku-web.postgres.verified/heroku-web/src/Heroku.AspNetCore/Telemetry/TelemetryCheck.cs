using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Heroku.AspNetCore;

/// <summary>
/// Telemetry's part of <c>check</c>, when it is on: an endpoint that takes an export with the app's headers (an empty
/// one, so nothing is recorded there), and no API key sent over plain HTTP across a network. It names no
/// OpenTelemetry type: the check runs with telemetry off too.
/// </summary>
internal sealed class TelemetryCheck(TelemetrySettings settings) : IDeployCheck
{
    private const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<IEnumerable<Finding>> CheckAsync(WebApplication app, IReadOnlyList<string> options)
    {
        if (!settings.Enabled || settings.Endpoint is not { } endpoint)
        {
            return [];
        }
        var findings = new List<Finding>();
        if (endpoint.Scheme == Uri.UriSchemeHttp && settings.Headers.Count > 0 && !IsLocal(endpoint))
        {
            findings.Add(Finding.Warning(Endpoint,
                $"is http:// to {endpoint.Host}: OTEL_EXPORTER_OTLP_HEADERS, usually an API key, crosses the network unencrypted with every export. Use the backend's https:// URL."));
        }
        if (await ProblemAsync(endpoint) is { } problem)
        {
            findings.Add(Finding.Error(Endpoint, $"cannot be used: {problem}. Traces, metrics and logs are lost until it can."));
        }
        return findings;
    }

    // OTLP/HTTP: an empty ExportTraceServiceRequest (no spans: a valid message of no bytes) posted with the app's
    // headers, as the exporter posts. gRPC: a connection, with TLS for https, as a call would open.
    private async Task<string?> ProblemAsync(Uri endpoint)
    {
        var grpc = settings.Protocol == TelemetryProtocol.Grpc;
        var url = grpc ? endpoint : settings.SignalUrl("v1/traces");
        try
        {
            if (grpc)
            {
                using var socket = new TcpClient();
                await socket.ConnectAsync(endpoint.Host, endpoint.Port).WaitAsync(Timeout);
                if (endpoint.Scheme == Uri.UriSchemeHttps)
                {
                    await using var tls = new System.Net.Security.SslStream(socket.GetStream());
                    await tls.AuthenticateAsClientAsync(endpoint.IdnHost).WaitAsync(Timeout);
                }
                return null;
            }
            using var client = settings.CreateClient(Timeout);
            using var content = new ByteArrayContent([]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await client.PostAsync(url, content);
            return response.StatusCode switch
            {
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}: the backend refused the headers; check the API key in OTEL_EXPORTER_OTLP_HEADERS",
                HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed =>
                    $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}: is this the OTLP/HTTP base URL (usually port 4318), without /v1/traces? A gRPC endpoint (port 4317) needs OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
                >= HttpStatusCode.InternalServerError =>
                    $"{url} answered {(int)response.StatusCode} {response.ReasonPhrase}",
                _ => null,
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or SocketException or TimeoutException or TaskCanceledException
            or System.Security.Authentication.AuthenticationException or IOException)
        {
            return $"{url} cannot be reached ({Describe(exception)})";
        }
    }

    private static string Describe(Exception exception) => exception switch
    {
        TaskCanceledException or TimeoutException => $"no answer in {Timeout.TotalSeconds:0} seconds",
        HttpRequestException { InnerException: { } inner } => inner.Message,
        _ => exception.Message,
    };

    private static bool IsLocal(Uri endpoint) =>
        endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
