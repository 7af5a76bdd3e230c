namespace Heroku.AspNetCore;

/// <summary>
/// On SIGTERM Kestrel closes idle keep-alive connections at once, and a request the router sends on one of
/// them at that moment gets no response at all. So for a few seconds first the app keeps serving, and each
/// response asks its connection to close (Connection: close): the router sends no more on it.
/// </summary>
internal sealed class ShutdownDrain : IHostedLifecycleService
{
    /// <summary>Part of the shutdown window (HerokuExtensions.ShutdownTimeout), spent before Kestrel stops.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private volatile bool _draining;

    public bool IsDraining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        await Task.Delay(Window, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

internal static class ShutdownDrainExtensions
{
    public static IServiceCollection AddShutdownDrain(this IServiceCollection services) => services
        .AddSingleton<ShutdownDrain>()
        .AddHostedService(provider => provider.GetRequiredService<ShutdownDrain>());

    public static IApplicationBuilder UseShutdownDrain(this IApplicationBuilder app)
    {
        var drain = app.ApplicationServices.GetRequiredService<ShutdownDrain>();
        return app.Use((context, next) =>
        {
            if (drain.IsDraining)
            {
                // When the response starts, so an error page that replaces the response keeps it too.
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers.Connection = "close";
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });
    }
}
