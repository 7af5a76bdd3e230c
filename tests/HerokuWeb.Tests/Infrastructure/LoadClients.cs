using System.Diagnostics;
using System.Net.Sockets;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// Clients that keep a web process busy the way the router does, and count each request's fate through
/// <see cref="RawHttpConnection"/> (HttpClient would retry a dropped request on a new connection and hide it):
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
    private const string Request = "GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.10\r\n\r\n";

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
        while (!_stop.IsCancellationRequested)
        {
            RawHttpConnection connection;
            try
            {
                connection = await RawHttpConnection.OpenAsync(_port);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _refused);
                return;
            }
            using (connection)
            {
                while (!_stop.IsCancellationRequested)
                {
                    RawHttpResponse? response;
                    try
                    {
                        await connection.SendAsync(Request);
                        response = await connection.ReadResponseAsync(TimeSpan.FromSeconds(30));
                    }
                    catch (IOException exception)
                    {
                        Lose(exception.Message);
                        break;
                    }
                    if (response is null)
                    {
                        Lose("reset or closed without a response");
                        break;
                    }
                    Interlocked.Increment(ref _answered);
                    if (!reuse || response.Headers["Connection"].Any(value => value.Equals("close", StringComparison.OrdinalIgnoreCase)))
                    {
                        break;
                    }
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
}
