using System.Net.Sockets;
using System.Text;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// One TCP connection speaking HTTP/1.x by hand, for what HttpClient hides: requests without a Host header,
/// and whether a request sent on an open keep-alive connection got any response at all (HttpClient quietly
/// retries those on a new connection).
/// </summary>
public sealed class RawHttpConnection : IDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttpConnection(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttpConnection> OpenAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        return new RawHttpConnection(client);
    }

    public async Task SendAsync(string request) => await _stream.WriteAsync(Encoding.ASCII.GetBytes(request));

    /// <summary>The next response's status code and headers (its body read and dropped), or null if the connection closed first.</summary>
    public async Task<RawHttpResponse?> ReadResponseAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        var head = await ReadUntilAsync("\r\n\r\n"u8.ToArray(), cancellation.Token);
        if (head is null)
        {
            return null;
        }
        var lines = Encoding.ASCII.GetString(head).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToLookup(parts => parts[0].Trim(), parts => parts[1].Trim(), StringComparer.OrdinalIgnoreCase);

        if (headers["Content-Length"].FirstOrDefault() is { } length)
        {
            await ReadBytesAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture), cancellation.Token);
        }
        else if (headers["Transfer-Encoding"].Any(value => value.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            while (true)
            {
                var sizeLine = await ReadUntilAsync("\r\n"u8.ToArray(), cancellation.Token) ?? throw new IOException("The connection closed inside a chunked body.");
                var size = Convert.ToInt32(Encoding.ASCII.GetString(sizeLine).Trim(), 16);
                await ReadBytesAsync(size + 2, cancellation.Token);
                if (size == 0)
                {
                    break;
                }
            }
        }
        return new RawHttpResponse(status, headers);
    }

    public void Dispose() => _client.Dispose();

    // The bytes up to and including the delimiter, or null when the connection ends (or breaks) before any.
    private async Task<byte[]?> ReadUntilAsync(byte[] delimiter, CancellationToken cancellationToken)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf(delimiter);
            if (index >= 0)
            {
                var result = _buffer.AsSpan(_start, index + delimiter.Length).ToArray();
                _start += index + delimiter.Length;
                return result;
            }
            if (!await FillAsync(cancellationToken))
            {
                return null;
            }
        }
    }

    private async Task ReadBytesAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            if (!await FillAsync(cancellationToken))
            {
                throw new IOException("The connection closed inside a body.");
            }
        }
        _start += count;
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        try
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += read;
            return read > 0;
        }
        catch (IOException)
        {
            return false; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return false; // no answer in time
        }
    }
}

public sealed record RawHttpResponse(int StatusCode, ILookup<string, string> Headers);
