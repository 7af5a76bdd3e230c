using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// Clients that keep a web process busy the way the router does, and count each request's fate by hand
/// (HttpClient would retry a dropped request on a new connection and hide it):
/// <list type="bullet">
/// <item><b>answered</b>: a whole response came back;</item>
/// <item><b>lost</b>: the request was sent and the connection reset or ended before a whole response: what
/// a visitor sees as an error page from the router;</item>
/// <item><b>refused</b>: no connection, so no request was sent, and the router tries another dyno. A client
/// that is refused stops.</item>
/// </list>
/// Keep-alive clients send request after request on one connection and reconnect when a response says
/// <c>Connection: close</c>; per-request clients open a connection for each request.
/// </summary>
public sealed class LoadClients
{
    private static readonly byte[] Request = Encoding.ASCII.GetBytes(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.10\r\n\r\n");

    private readonly int _port;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<string> _lost = [];
    private readonly Task _clients;
    private long _answered;
    private long _refused;

    private LoadClients(int port, int keepAlive, int perRequest)
    {
        _port = port;
        _clients = Task.WhenAll(Enumerable.Range(0, keepAlive + perRequest).Select(i => Task.Run(() => RunAsync(reuse: i < keepAlive))));
    }

    public long Answered => Interlocked.Read(ref _answered);

    public long Refused => Interlocked.Read(ref _refused);

    /// <summary>When each lost request was lost, and how: seconds since the load started.</summary>
    public IReadOnlyList<string> Lost
    {
        get
        {
            lock (_lost)
            {
                return [.. _lost];
            }
        }
    }

    public static LoadClients Start(int port, int keepAlive, int perRequest) => new(port, keepAlive, perRequest);

    /// <summary>Waits until <paramref name="count"/> more requests have been answered.</summary>
    public async Task WaitForAnswersAsync(long count)
    {
        var target = Answered + count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Answered < target)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Only {Answered} of {target} requests were answered.");
            }
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until every client has been refused (the process stopped listening), then stops them all.</summary>
    public async Task<bool> FinishAsync(TimeSpan timeout)
    {
        var finished = await Task.WhenAny(_clients, Task.Delay(timeout)) == _clients;
        await _stop.CancelAsync();
        await _clients;
        return finished;
    }

    private async Task RunAsync(bool reuse)
    {
        var buffer = new byte[256 * 1024];
        while (!_stop.IsCancellationRequested)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                await socket.ConnectAsync("127.0.0.1", _port, timeout.Token);
            }
            catch (Exception exception) when (exception is SocketException or OperationCanceledException)
            {
                Interlocked.Increment(ref _refused);
                return;
            }
            while (!_stop.IsCancellationRequested)
            {
                bool? close;
                try
                {
                    await socket.SendAsync(Request);
                    close = await ReadResponseAsync(socket, buffer, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (SocketException exception)
                {
                    Lose(exception.SocketErrorCode.ToString());
                    break;
                }
                if (close is null)
                {
                    Lose("closed without a response");
                    break;
                }
                Interlocked.Increment(ref _answered);
                if (close == true || !reuse)
                {
                    break;
                }
            }
        }
    }

    private void Lose(string how)
    {
        lock (_lost)
        {
            _lost.Add($"{_clock.Elapsed.TotalSeconds:0.000} s: {how}");
        }
    }

    // Whether the response asked to close its connection; null if the connection ended before a whole response.
    private static async Task<bool?> ReadResponseAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var end = 0;
        while (true)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(end), cancellationToken);
            if (read == 0)
            {
                return null;
            }
            end += read;
            var text = Encoding.ASCII.GetString(buffer, 0, end);
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd < 0)
            {
                continue;
            }
            var headers = text[..headEnd].Split("\r\n");
            var close = headers.Any(header => header.Equals("Connection: close", StringComparison.OrdinalIgnoreCase));
            var length = headers.FirstOrDefault(header => header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
            var complete = length is not null
                ? end >= headEnd + 4 + int.Parse(length.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)
                : text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
            if (complete)
            {
                return close;
            }
        }
    }
}
