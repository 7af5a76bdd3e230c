using MyApp.Accounts;
using MyApp.Tests.Data;
using static MyApp.Tests.Accounts.AccountsKit;

namespace MyApp.Tests.Accounts;

public sealed class EmailChangeTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private async Task<HttpResponseMessage> ChangeAsync(AppUser user, string newAddress)
    {
        var outbox = new Outbox();
        await RunMailerAsync(database.App.Services, outbox, mailer => mailer.SendEmailChangeAsync(user.Id, newAddress, "https://localhost", Cancellation));
        return await database.App.CreateHttpsClient().GetAsync(Link(outbox.Sent.Single(), "/Account/ConfirmEmailChange"), Cancellation);
    }

    [Fact]
    public async Task The_link_moves_the_email_and_the_user_name_together_and_leaves_no_code_in_the_address_bar()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("ada"));
        var newAddress = $"o'brien-{Guid.NewGuid():N}@example.com";

        var page = await ChangeAsync(user, newAddress);

        Assert.Contains("Your new email is confirmed", await page.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("https://localhost/Account/ConfirmEmailChange", page.RequestMessage?.RequestUri?.ToString());
        var changed = await FindAsync(database.App.Services, user.Id);
        Assert.Equal((newAddress, newAddress), (changed.Email, changed.UserName));
    }

    [Fact]
    public async Task An_address_that_cannot_be_a_user_name_changes_neither()
    {
        var user = await CreateUserAsync(database.App.Services, NewAddress("ada"));

        var page = await ChangeAsync(user, $"ada-{Guid.NewGuid():N}@exämple.com");

        Assert.Contains("This link does not work", await page.Content.ReadAsStringAsync(Cancellation));
        var unchanged = await FindAsync(database.App.Services, user.Id);
        Assert.Equal((user.Email, user.Email), (unchanged.Email, unchanged.UserName));
    }
}
