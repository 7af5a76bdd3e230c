using System.Net;
using MyApp.Tests.Data;
using static MyApp.Tests.Accounts.AccountsKit;

namespace MyApp.Tests.Accounts;

public sealed class PasswordResetTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private async Task<HttpResponseMessage> ResetAsync(HttpClient client, string link, string password)
    {
        var form = await client.GetStringAsync(link, Cancellation);
        return await client.PostAsync("/Account/ResetPassword", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(form),
            ["Input.UserId"] = Field(form, "Input.UserId"),
            ["Input.Code"] = Field(form, "Input.Code"),
            ["Input.Password"] = password,
        }), Cancellation);
    }

    [Fact]
    public async Task A_reset_asked_for_a_look_alike_address_goes_to_the_accounts_own_address_and_works_there()
    {
        var owner = await CreateUserAsync(database.App.Services, $"victim-{Guid.NewGuid():N}@sample.com");
        // ToUpperInvariant maps the long ſ onto S: lookups find the owner's account by an address at another domain.
        var lookAlike = owner.Email!.Replace("sample", "ſample", StringComparison.Ordinal);
        var outbox = new Outbox();

        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendPasswordResetAsync(lookAlike, "https://localhost", Cancellation));

        Assert.Equal([owner.Email!], outbox.Recipients);
        var client = database.App.CreateHttpsClient();
        var reset = await ResetAsync(client, Link(outbox.Sent[0], "/Account/ResetPassword"), "a brand new passphrase");
        Assert.Contains("Your password is changed", await reset.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(database.App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false }),
            owner.Email!, "a brand new passphrase")).StatusCode);
    }

    [Fact]
    public async Task A_bad_code_answers_the_same_for_an_account_that_exists_and_for_one_that_does_not()
    {
        var known = await CreateUserAsync(database.App.Services, NewAddress("ada"));
        var client = database.App.CreateHttpsClient();

        // Each names its account both ways a link ever did, by id and by email.
        async Task<HttpResponseMessage> PostAsync(string userId, string email) =>
            await AccountsKit.PostAsync(client, "/Account/ResetPassword", new()
            {
                ["Input.UserId"] = userId, ["Input.Email"] = email, ["Input.Code"] = "AAAA", ["Input.Password"] = "a brand new passphrase",
            }, tokenFrom: "/Account/Login");
        var unknownId = Guid.NewGuid().ToString();
        var forKnown = await PostAsync(known.Id, known.Email!);
        var forUnknown = await PostAsync(unknownId, NewAddress("nobody"));

        Assert.Equal(forUnknown.StatusCode, forKnown.StatusCode);
        // The form keeps the id it was given, as a hidden field.
        Assert.Equal(await ComparableAsync(forUnknown, unknownId), await ComparableAsync(forKnown, known.Id));
        Assert.Contains("This link does not work", await forKnown.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task An_account_that_never_confirmed_its_email_can_reset_its_password_which_confirms_it()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("grace"), confirmed: false);
        var outbox = new Outbox();

        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendPasswordResetAsync(user.Email!, "https://localhost", Cancellation));

        Assert.Equal([user.Email!], outbox.Recipients);
        await ResetAsync(database.App.CreateHttpsClient(), Link(outbox.Sent[0], "/Account/ResetPassword"), "a brand new passphrase");
        Assert.True((await FindAsync(database.App.Services, user.Id)).EmailConfirmed);
    }

    [Fact]
    public async Task Following_the_link_leaves_no_code_in_the_address_bar_and_the_reset_still_works()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("linus"));
        var outbox = new Outbox();
        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendPasswordResetAsync(user.Email!, "https://localhost", Cancellation));
        var client = database.App.CreateHttpsClient();

        var page = await client.GetAsync(Link(outbox.Sent[0], "/Account/ResetPassword"), Cancellation);
        var form = await page.Content.ReadAsStringAsync(Cancellation);
        var reset = await client.PostAsync("/Account/ResetPassword", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Forms.AntiforgeryToken(form),
            ["Input.UserId"] = Field(form, "Input.UserId"),
            ["Input.Code"] = Field(form, "Input.Code"),
            ["Input.Password"] = "a brand new passphrase",
        }), Cancellation);

        Assert.Equal("https://localhost/Account/ResetPassword", page.RequestMessage?.RequestUri?.ToString());
        Assert.Contains("Your password is changed", await reset.Content.ReadAsStringAsync(Cancellation));
    }
}
