using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Heroku.AspNetCore;

/// <summary>
/// A shutdown that loses no request. Left to itself, Kestrel on SIGTERM keeps taking new connections until it
/// stops; then closing its listening socket resets every connection still waiting to be accepted, and it closes
/// idle keep-alive connections, which a client (the router) may be sending a request on at that moment. Both
/// are requests that get no answer at all. So on SIGTERM, before Kestrel stops:
/// <list type="number">
/// <item>the listening socket completes no new handshake (on Linux, a socket filter drops new SYNs), the
/// connections already completed are accepted, and it closes: a client's next connection is refused
/// before it sends anything, and goes to another dyno;</item>
/// <item>every connection still open is served, and each response asks it to close (Connection: close), so
/// the client sends no more on it;</item>
/// <item>the drain ends when the last connection has closed, or after <see cref="Window"/>; then Kestrel stops.</item>
/// </list>
/// </summary>
internal sealed class ShutdownDrain : IHostedLifecycleService, IDisposable
{
    /// <summary>At most this long waiting for open connections to close, out of HerokuExtensions.ShutdownTimeout.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    // A handshake begun before the filter completes within a round trip; Kestrel then accepts it.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    private readonly List<Socket> _listeners = [];
    private readonly MeterListener _connections = new();
    private long _open;
    private volatile bool _draining;

    public ShutdownDrain()
    {
        // Kestrel's own count of open connections (kestrel.active_connections), kept while someone listens.
        _connections.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is { Meter.Name: "Microsoft.AspNetCore.Server.Kestrel", Name: "kestrel.active_connections" })
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _connections.SetMeasurementEventCallback<long>((_, change, _, _) => Interlocked.Add(ref _open, change));
        _connections.Start();
    }

    public bool IsDraining => _draining;

    /// <summary>Kestrel's listening socket for <paramref name="endpoint"/>, kept so the drain can close it.</summary>
    public Socket Listen(EndPoint endpoint)
    {
        var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
        lock (_listeners)
        {
            _listeners.Add(socket);
        }
        return socket;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        Socket[] listeners;
        lock (_listeners)
        {
            listeners = [.. _listeners];
        }

        foreach (var listener in listeners)
        {
            ListenQueue.StopHandshakes(listener);
        }
        await Task.Delay(Settle, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await WaitAsync(() => listeners.Any(listener => ListenQueue.Waiting(listener) > 0), TimeSpan.FromSeconds(1), cancellationToken);
        foreach (var listener in listeners)
        {
            listener.Dispose(); // Kestrel's accept loop ends quietly
        }

        await WaitAsync(() => Interlocked.Read(ref _open) > 0, Window, cancellationToken);
    }

    public void Dispose() => _connections.Dispose();

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (condition() && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}

/// <summary>Linux's listen queue, which .NET has no API for, through the raw socket options of socket(7) and tcp(7).</summary>
internal static class ListenQueue
{
    private const int SolSocket = 1;
    private const int SoAttachFilter = 26;
    private const int IpProtoTcp = 6;
    private const int TcpInfo = 11;

    // Classic BPF over the TCP header, where a TCP socket's filter starts: drop a segment with SYN and
    // without ACK, the first step of a new connection; keep everything else.
    private static readonly ulong[] DropNewConnections =
    [
        Instruction(0x30, 0, 0, 13),            // ldb [13]      the flags
        Instruction(0x54, 0, 0, 0x12),          // and #SYN|ACK
        Instruction(0x15, 0, 1, 0x02),          // jeq #SYN      else skip one
        Instruction(0x06, 0, 0, 0),             // ret #0        drop
        Instruction(0x06, 0, 0, uint.MaxValue), // ret #-1       keep
    ];

    /// <summary>From now on the kernel completes no new handshake on <paramref name="listener"/>: the client retries, and is then refused.</summary>
    public static void StopHandshakes(Socket listener)
    {
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || listener.ProtocolType != ProtocolType.Tcp)
        {
            return;
        }
        var bytes = MemoryMarshal.AsBytes<ulong>(DropNewConnections).ToArray();
        var program = Marshal.AllocHGlobal(bytes.Length);
        try
        {
            Marshal.Copy(bytes, 0, program, bytes.Length);
            // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: 16 bytes with the padding.
            var fprog = new byte[16];
            BitConverter.TryWriteBytes(fprog, (ushort)DropNewConnections.Length);
            BitConverter.TryWriteBytes(fprog.AsSpan(8), program.ToInt64());
            listener.SetRawSocketOption(SolSocket, SoAttachFilter, fprog);
        }
        catch (SocketException)
        {
            // Not allowed here: the socket closes as Kestrel would close it.
        }
        finally
        {
            Marshal.FreeHGlobal(program); // the kernel keeps its own copy
        }
    }

    /// <summary>How many completed connections wait for Kestrel to accept them: tcp_info's tcpi_unacked, on a listener.</summary>
    public static int Waiting(Socket listener)
    {
        if (!OperatingSystem.IsLinux() || listener.ProtocolType != ProtocolType.Tcp)
        {
            return 0;
        }
        try
        {
            Span<byte> info = stackalloc byte[32];
            return listener.GetRawSocketOption(IpProtoTcp, TcpInfo, info) >= 28 ? BitConverter.ToInt32(info[24..]) : 0;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return 0;
        }
    }

    // struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }, little-endian.
    private static ulong Instruction(ushort code, byte jumpIfTrue, byte jumpIfFalse, uint k) =>
        code | ((ulong)jumpIfTrue << 16) | ((ulong)jumpIfFalse << 24) | ((ulong)k << 32);
}

internal static class ShutdownDrainExtensions
{
    public static IServiceCollection AddShutdownDrain(this IServiceCollection services) => services
        .AddSingleton<ShutdownDrain>()
        .AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>())
        .AddOptions<SocketTransportOptions>()
        .Configure<ShutdownDrain>((options, drain) => options.CreateBoundListenSocket = drain.Listen)
        .Services;

    public static IApplicationBuilder UseShutdownDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        // Decided when the response starts, so a request that was under way at SIGTERM closes its connection
        // too, and an error page that replaces the response keeps the header. One callback for every request.
        Func<object, Task> closeIfDraining = state =>
        {
            if (drain.IsDraining)
            {
                ((HttpResponse)state).Headers.Connection = "close";
            }
            return Task.CompletedTask;
        };
        return app.Use((context, next) =>
        {
            context.Response.OnStarting(closeIfDraining, context.Response);
            return next(context);
        });
    }
}
