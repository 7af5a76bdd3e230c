using System.Text;
using Heroku.AspNetCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using MimeKit;

namespace MyApp.Accounts;

/// <summary>
/// The jobs that email people about their account, enqueued by the account pages and run by the worker: the page
/// answers at once, whatever the mail server does. The worker makes each link's token as it sends, so no token waits
/// in the job queue. Each job's <c>origin</c> is the scheme and host the visitor used (<c>https://example.com</c>), so
/// each link leads back to the same site.
/// </summary>
public sealed class AccountMailer(UserManager<AppUser> users, IEmailSender email, ILogger<AccountMailer> logger)
{
    /// <summary>The link that confirms a new account's email, without which it cannot sign in.</summary>
    public async Task SendConfirmationAsync(string userId, string origin, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { Email: { } address } user || user.EmailConfirmed)
        {
            return;
        }
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var link = $"{origin}/Account/ConfirmEmail?userId={Uri.EscapeDataString(user.Id)}&code={Encode(token)}";
        await SendAsync(address, "Confirm your email",
            $"Someone, we hope you, signed up with this address. To confirm it and sign in, open this link:\n\n{link}\n\n"
            + $"Not the password you chose? Choose a new one at {origin}/Account/ForgotPassword: that confirms the address too.\n\n"
            + "If it was not you, ignore this email: without the link, the account cannot be used, and it is deleted after a day.\n", cancellationToken);
    }

    /// <summary>
    /// To an address that signs up again: registering answers the same whether the address has an account or not, and
    /// only its owner learns which. An account not confirmed yet gets a new confirmation link. Always to the address the
    /// account has, never to the one typed.
    /// </summary>
    public async Task SendAlreadyRegisteredAsync(string address, string origin, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(address) is not { Email: { } stored } user)
        {
            return;
        }
        if (!user.EmailConfirmed)
        {
            await SendConfirmationAsync(user.Id, origin, cancellationToken);
            return;
        }
        await SendAsync(stored, "You already have an account",
            $"Someone, we hope you, tried to sign up with this address, which already has an account. Sign in at "
            + $"{origin}/Account/Login, or choose a new password at {origin}/Account/ForgotPassword.\n", cancellationToken);
    }

    /// <summary>
    /// The link that sets a new password, valid for two hours; nothing to an address without an account. It goes to the
    /// address the account has, not the one typed: lookups ignore case, and a look-alike address may find the account.
    /// </summary>
    public async Task SendPasswordResetAsync(string address, string origin, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(address) is not { Email: { } stored } user)
        {
            logger.LogInformation("No password reset email: no account has the address that was given.");
            return;
        }
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = $"{origin}/Account/ResetPassword?userId={Uri.EscapeDataString(user.Id)}&code={Encode(token)}";
        await SendAsync(stored, "Choose a new password",
            $"Someone, we hope you, asked for a new password for this address. To choose one, open this link within two hours:\n\n{link}\n\n"
            + "If it was not you, ignore this email: your password stays as it is.\n", cancellationToken);
    }

    /// <summary>The link that moves an account to a new address, sent to that address: following it proves it is theirs.</summary>
    public async Task SendEmailChangeAsync(string userId, string newAddress, string origin, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return;
        }
        var token = await users.GenerateChangeEmailTokenAsync(user, newAddress);
        var link = $"{origin}/Account/ConfirmEmailChange?userId={Uri.EscapeDataString(user.Id)}&email={Uri.EscapeDataString(newAddress)}&code={Encode(token)}";
        await SendAsync(newAddress, "Confirm your new email",
            $"Someone, we hope you, asked to sign in with this address from now on. To confirm it, open this link:\n\n{link}\n\n"
            + "If it was not you, ignore this email: nothing changes.\n", cancellationToken);
    }

    private async Task SendAsync(string address, string subject, string text, CancellationToken cancellationToken)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = text } };
        message.To.Add(MailboxAddress.Parse(address));
        await email.SendAsync(message, cancellationToken);
    }

    // Identity's tokens hold '+', '/' and '=': base64url keeps them whole in a link.
    private static string Encode(string token) => WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// Tells the account's stored address that its password, email, passkeys or two-factor sign-in changed
    /// (<paramref name="change"/>, a sentence such as "Your password was changed"): if someone else did it with a
    /// stolen session, the owner learns it while the address is still theirs.
    /// </summary>
    public async Task SendSecurityNoticeAsync(string userId, string change, string origin, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is not { Email: { } address })
        {
            return;
        }
        await SendAsync(address, "Your account changed",
            $"{change}, on your account at {origin}.\n\nIf it was you, there is nothing to do. If it was not, choose a new "
            + $"password at {origin}/Account/ForgotPassword, which signs everyone else out, then check your email, passkeys "
            + $"and two-factor sign-in at {origin}/Account/Manage.\n", cancellationToken);
    }
}
