using MyApp.Tests.Data;
using static MyApp.Tests.Accounts.AccountsKit;

namespace MyApp.Tests.Accounts;

public sealed class SignUpTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private async Task<HttpResponseMessage> SignUpAsync(string email)
    {
        var client = database.App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });
        return await PostAsync(client, "/Account/Register", new() { ["Input.Email"] = email, ["Input.Password"] = Password });
    }

    [Fact]
    public async Task A_look_alike_of_a_taken_address_gets_the_same_answer_as_one_of_an_address_no_one_has()
    {
        var taken = await CreateUserAsync(database.App.Services, NewAddress("sam"));
        // The long ſ: ToUpperInvariant makes it S, so lookups find the account above.
        var lookAlike = taken.Email!.Replace("sam", "ſam", StringComparison.Ordinal);
        var fresh = NewAddress("ſid");

        var forTaken = await SignUpAsync(lookAlike);
        var forFresh = await SignUpAsync(fresh);

        Assert.Equal(forFresh.StatusCode, forTaken.StatusCode);
        Assert.Equal(await ComparableAsync(forFresh, fresh), await ComparableAsync(forTaken, lookAlike));
    }

    [Fact]
    public async Task An_address_with_an_apostrophe_signs_up()
    {
        var email = $"o'brien-{Guid.NewGuid():N}@example.com";

        var response = await SignUpAsync(email);

        Assert.Equal("/Account/Register", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Signing_up_again_with_a_confirmed_address_emails_the_accounts_own_address()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("grace"));
        var outbox = new Outbox();

        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendAlreadyRegisteredAsync(user.Email!.ToUpperInvariant(), "https://localhost", Cancellation));

        Assert.Equal([user.Email!], outbox.Recipients);
        Assert.Equal("You already have an account", outbox.Sent[0].Subject);
    }

    [Fact]
    public async Task Signing_up_again_with_an_address_not_confirmed_yet_emails_a_new_confirmation_link()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("grace"), confirmed: false);
        var outbox = new Outbox();

        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendAlreadyRegisteredAsync(user.Email!, "https://localhost", Cancellation));
        var confirmed = await database.App.CreateHttpsClient().GetAsync(Link(outbox.Sent.Single(), "/Account/ConfirmEmail"), Cancellation);

        Assert.Equal([user.Email!], outbox.Recipients);
        Assert.Contains("Your email is confirmed", await confirmed.Content.ReadAsStringAsync(Cancellation));
        Assert.True((await FindAsync(database.App.Services, user.Id)).EmailConfirmed);
    }

    [Fact]
    public async Task Following_the_confirmation_link_leaves_no_code_in_the_address_bar()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("ada"), confirmed: false);
        var outbox = new Outbox();
        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendConfirmationAsync(user.Id, "https://localhost", Cancellation));

        var page = await database.App.CreateHttpsClient().GetAsync(Link(outbox.Sent[0], "/Account/ConfirmEmail"), Cancellation);

        Assert.Equal("https://localhost/Account/ConfirmEmail", page.RequestMessage?.RequestUri?.ToString());
        Assert.Contains("Your email is confirmed", await page.Content.ReadAsStringAsync(Cancellation));
    }
}
