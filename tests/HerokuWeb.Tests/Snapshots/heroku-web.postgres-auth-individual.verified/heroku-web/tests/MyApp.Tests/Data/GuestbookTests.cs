using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MyApp.Data;

namespace MyApp.Tests.Data;

public sealed class GuestbookTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Signing_the_guestbook_stores_the_entry_and_lists_it()
    {
        var client = database.App.CreateHttpsClient();
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/Guestbook", Cancellation));
        var name = $"Visitor {Guid.NewGuid():N}";

        var response = await client.PostAsync("/Guestbook", Form(name, "Hello from the tests", token), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(name, await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_is_refused()
    {
        var client = database.App.CreateHttpsClient();

        var response = await client.PostAsync("/Guestbook", Form("Mallory", "Forged", token: null), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_empty_message_is_shown_again_with_an_error_and_not_stored()
    {
        var client = database.App.CreateHttpsClient();
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/Guestbook", Cancellation));
        var name = $"Silent {Guid.NewGuid():N}";

        var response = await client.PostAsync("/Guestbook", Form(name, "", token), Cancellation);

        Assert.Contains("Message is required.", await response.Content.ReadAsStringAsync(Cancellation));
        await using var scope = database.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
        Assert.False(await db.GuestbookEntries.AnyAsync(entry => entry.Name == name, Cancellation));
    }

    [Fact]
    public async Task Readiness_check_reaches_the_database()
    {
        var response = await database.App.CreateHttpsClient().GetAsync("/readyz", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static FormUrlEncodedContent Form(string name, string message, string? token)
    {
        var fields = new Dictionary<string, string> { ["Input.Name"] = name, ["Input.Message"] = message };
        if (token is not null)
        {
            fields["__RequestVerificationToken"] = token;
        }
        return new FormUrlEncodedContent(fields);
    }
}
