using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Heroku.AspNetCore.Tests.Logging;

/// <summary>
/// The router's X-Request-ID on every entry logged while the app serves the request, telemetry on or off, as the
/// console formatter ends its line with it (<see cref="HerokuConsoleFormatterTests"/>).
/// </summary>
public sealed class RouterRequestIdTests
{
    private static WebApplication App(ListLoggerProvider logs)
    {
        var builder = TestApps.CreateBuilder();
        builder.AddHeroku(TestSettings.Heroku());
        builder.Logging.AddProvider(logs);
        var app = builder.Build();
        app.UseHeroku();
        app.MapGet("/orders/{id}", (string id, ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("Shop.Orders").LogInformation("Order {OrderId} placed", id);
            return id;
        });
        app.MapGet("/broken/{id}", string (string id) => throw new InvalidOperationException($"Order {id} is broken"));
        // The error page, which UseHeroku's error handling renders for the 500.
        app.MapGet("/Error", () => "Something went wrong");
        return app;
    }

    private static async Task<string?> RequestIdOfAsync(HttpClient client, ListLoggerProvider logs, string path, string? header, string logged)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Request-ID", header);
        }
        await client.SendAsync(request);
        return Assert.Single(logs.RequestIds, entry => entry.Text.Contains(logged, StringComparison.Ordinal)).RequestId;
    }

    [Fact]
    public async Task An_entry_logged_by_the_app_while_serving_a_request_has_the_routers_request_id()
    {
        var logs = new ListLoggerProvider();
        await using var app = App(logs);
        using var client = await TestApps.StartAsync(app);
        var requestId = Guid.NewGuid().ToString();

        Assert.Equal(requestId, await RequestIdOfAsync(client, logs, "/orders/1", requestId, "Order 1 placed"));
        Assert.Null(await RequestIdOfAsync(client, logs, "/orders/2", null, "Order 2 placed"));
    }

    [Fact]
    public async Task The_error_pages_entry_for_an_unhandled_exception_has_the_request_id()
    {
        var logs = new ListLoggerProvider();
        await using var app = App(logs);
        using var client = await TestApps.StartAsync(app);
        var requestId = Guid.NewGuid().ToString();

        Assert.Equal(requestId, await RequestIdOfAsync(client, logs, "/broken/3", requestId, "Order 3 is broken"));
    }

    [Theory]
    [InlineData("0123456789abcdefghi")] // 19 characters: the router makes its own id
    [InlineData("with spaces 0123456789 abcdefghij")]
    [InlineData("semicolon;0123456789abcdefghij")]
    [InlineData("ünïcödé-0123456789abcdefghij")]
    [InlineData("line\nbreak-0123456789abcdefghij")]
    public async Task A_request_id_the_router_would_not_pass_through_is_left_out(string header)
    {
        var logs = new ListLoggerProvider();
        await using var app = App(logs);
        using var client = await TestApps.StartAsync(app);

        Assert.Null(await RequestIdOfAsync(client, logs, "/orders/4", header, "Order 4 placed"));
    }

    [Fact]
    public async Task A_request_id_of_200_characters_is_kept_and_one_of_201_is_not()
    {
        var logs = new ListLoggerProvider();
        await using var app = App(logs);
        using var client = await TestApps.StartAsync(app);

        Assert.Equal(new string('a', 200), await RequestIdOfAsync(client, logs, "/orders/5", new string('a', 200), "Order 5 placed"));
        Assert.Null(await RequestIdOfAsync(client, logs, "/orders/6", new string('b', 201), "Order 6 placed"));
    }
}
