using System.Net;

namespace MyApp.Tests;

public sealed class ContactTests(AppFactory app) : IClassFixture<AppFactory>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sending_a_message_shows_a_notice_after_the_redirect()
    {
        var client = app.CreateHttpsClient();
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/Contact", Cancellation));

        var response = await client.PostAsync("/Contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = "Ada",
            ["Input.Message"] = "Hello",
            ["__RequestVerificationToken"] = token,
        }), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Thanks, Ada", await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task A_post_without_an_antiforgery_token_is_refused()
    {
        var response = await app.CreateHttpsClient().PostAsync("/Contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = "Mallory",
            ["Input.Message"] = "Forged",
        }), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
