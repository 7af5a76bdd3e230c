using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Heroku.AspNetCore;
using MyApp.Accounts;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace MyApp.Tests.Accounts;

/// <summary>What the account tests share: accounts made as sign-up makes them, forms posted as a browser posts them, and mail kept, not sent.</summary>
internal static partial class AccountsKit
{
    public const string Password = "correct horse battery";

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static string NewAddress(string name) => $"{name}-{Guid.NewGuid():N}@example.com";

    public static async Task<AppUser> CreateUserAsync(IServiceProvider services, string email, bool confirmed = true)
    {
        await using var scope = services.CreateAsyncScope();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = confirmed };
        var created = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().CreateAsync(user, Password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(error => error.Description)));
        return user;
    }

    public static async Task<AppUser> FindAsync(IServiceProvider services, string userId)
    {
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(userId))!;
    }

    /// <summary>Runs one of the mailer's jobs as the worker does, with mail kept in <paramref name="outbox"/>.</summary>
    public static async Task RunMailerAsync(IServiceProvider services, Outbox outbox, Func<AccountMailer, Task> job)
    {
        await using var scope = services.CreateAsyncScope();
        await job(ActivatorUtilities.CreateInstance<AccountMailer>(scope.ServiceProvider, outbox));
    }

    /// <summary>Posts a form with the antiforgery token of the page at <paramref name="tokenFrom"/> (the page itself unless told).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> fields, string? tokenFrom = null)
    {
        fields["__RequestVerificationToken"] = Forms.AntiforgeryToken(await client.GetStringAsync(tokenFrom ?? path, Cancellation));
        return await client.PostAsync(path, new FormUrlEncodedContent(fields), Cancellation);
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        PostAsync(client, "/Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>
    /// A page as two answers may be compared: without its antiforgery token, which is new on every page, and with the
    /// address that was typed (as is, and as HTML encodes it) in place of ADDRESS.
    /// </summary>
    public static async Task<string> ComparableAsync(HttpResponseMessage response, string? address = null)
    {
        var page = AntiforgeryValue().Replace(await response.Content.ReadAsStringAsync(Cancellation), "");
        return address is null
            ? page
            : page.Replace(HtmlEncoder.Default.Encode(address), "ADDRESS", StringComparison.Ordinal).Replace(address, "ADDRESS", StringComparison.Ordinal);
    }

    public static string Link(MimeMessage message, string path) =>
        Regex.Match(message.TextBody ?? "", $@"https://localhost{Regex.Escape(path)}\?\S+").Value is { Length: > 0 } link
            ? link
            : throw new InvalidOperationException($"The email has no link to {path}: {message.TextBody}");

    public static string Field(string html, string name) =>
        Regex.Match(html, $"""name="{Regex.Escape(name)}" value="(?<value>[^"]*)" """.TrimEnd()).Groups["value"].Value;

    [GeneratedRegex("""name="__RequestVerificationToken" type="hidden" value="[^"]+" """)]
    private static partial Regex AntiforgeryValue();
}

/// <summary>Mail that the jobs would send, kept to be read.</summary>
internal sealed class Outbox : IEmailSender
{
    public List<MimeMessage> Sent { get; } = [];

    public Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        Sent.Add(message);
        return Task.CompletedTask;
    }

    public IEnumerable<string> Recipients => Sent.SelectMany(message => message.To.Mailboxes).Select(mailbox => mailbox.Address);
}
