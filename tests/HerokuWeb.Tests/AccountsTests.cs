using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using HerokuWeb.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HerokuWeb.Tests;

/// <summary>
/// The --auth Individual app's accounts, published as Heroku's buildpack publishes it and run from its Procfile against
/// real PostgreSQL and a real SMTP server, its email sent by the worker: sign-up confirmed by the emailed link, sign-in,
/// lockout, per-address rate limits, answers that tell no one which addresses have accounts, a password reset that
/// signs out other sessions, and the admin command that opens /jobs. One published app for all of them, and one
/// database, mail server and pair of processes for all but the rate-limit test.
/// </summary>
public sealed partial class AccountsTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres, AccountsTests.SharedSite shared)
    : IClassFixture<AccountsTests.SharedSite>
{
    private const string Password = "correct horse battery";

    // Long enough for a loaded machine; a wait whose condition holds ends at once.
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_visitor_who_signs_up_is_emailed_a_link_by_the_worker_and_signs_in_once_it_is_followed()
    {
        var site = await SiteAsync();
        using var client = site.Web.CreateClient(new CookieContainer());

        var signup = await PostAsync(client, "/Account/Register", ("Input.Email", "ada.signup@example.com"), ("Input.Password", Password));
        Assert.Equal(HttpStatusCode.Redirect, signup.StatusCode);
        Assert.Contains("we have emailed ada.signup@example.com a link", await client.GetStringAsync("/Account/Register"), StringComparison.Ordinal);

        // Not yet: the address is not confirmed.
        var early = await SignInAsync(client, "ada.signup@example.com", Password);
        Assert.Equal(HttpStatusCode.OK, early.StatusCode);
        Assert.Contains("Confirm your email first", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var email = await site.WaitForEmailAsync("ada.signup@example.com", "Confirm your email");
        var confirmed = await OpenLinkAsync(client, Link(email, "/Account/ConfirmEmail"));
        Assert.Contains("Your email is confirmed", confirmed, StringComparison.Ordinal);

        var signin = await SignInAsync(client, "ada.signup@example.com", Password);
        Assert.Equal(HttpStatusCode.Redirect, signin.StatusCode);
        Assert.Equal("/", signin.Headers.Location?.OriginalString);
        Assert.True(await IsSignedInAsync(client));
    }

    [Fact]
    public async Task Signing_up_with_an_address_that_has_an_account_answers_as_for_a_new_one_and_only_its_owner_is_told()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("grace.twice@example.com");

        var taken = await SignUpAnswerAsync(site, "grace.twice@example.com");
        var fresh = await SignUpAnswerAsync(site, "linus.twice@example.com");

        Assert.Equal(fresh.Status, taken.Status);
        Assert.Equal(fresh.Location, taken.Location);
        Assert.Equal(fresh.Page.Replace("linus.twice@example.com", "", StringComparison.Ordinal), taken.Page.Replace("grace.twice@example.com", "", StringComparison.Ordinal));
        var told = await site.WaitForEmailAsync("grace.twice@example.com", "You already have an account");
        Assert.Contains("/Account/ForgotPassword", told, StringComparison.Ordinal);
        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(site.Database, "SELECT count(*) FROM users WHERE normalized_email = 'GRACE.TWICE@EXAMPLE.COM'"));
    }

    [Fact]
    public async Task Asking_for_a_new_password_answers_the_same_for_a_known_and_an_unknown_address_and_emails_only_the_known()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.forgot@example.com");

        var known = await ForgotAnswerAsync(site, "ada.forgot@example.com");
        var unknown = await ForgotAnswerAsync(site, "nobody.forgot@example.com");

        Assert.Equal(known, unknown);
        await site.WaitForEmailAsync("ada.forgot@example.com", "Choose a new password");
        // The unknown address's job done too, and it sent nothing.
        await site.WaitUntilAsync(() => Scalar(site.Database, "SELECT count(*) FROM hangfire.job WHERE arguments::text LIKE '%nobody.forgot@example.com%' AND statename = 'Succeeded'") >= 1,
            "the unknown address's job to finish");
        Assert.DoesNotContain(site.Smtp.Received, message => message.To.Contains("nobody.forgot@example.com"));
    }

    [Fact]
    public async Task A_new_password_from_the_emailed_link_signs_in_and_signs_out_every_other_session()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.reset@example.com");
        using var laptop = site.Web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(laptop, "ada.reset@example.com", Password)).StatusCode);
        Assert.True(await IsSignedInAsync(laptop));

        using var phone = site.Web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(phone, "/Account/ForgotPassword", ("Input.Email", "ada.reset@example.com"))).StatusCode);
        var link = Link(await site.WaitForEmailAsync("ada.reset@example.com", "Choose a new password"), "/Account/ResetPassword");
        var form = await OpenLinkAsync(phone, link);
        var reset = await phone.PostAsync("/Account/ResetPassword", Html.Form(Html.AntiforgeryToken(form),
            ("Input.UserId", Field(form, "Input.UserId")), ("Input.Code", Field(form, "Input.Code")), ("Input.Password", "a brand new passphrase")));

        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        Assert.False(await IsSignedInAsync(laptop), "The session signed in with the old password is still signed in.");
        Assert.Contains("The email or the password is wrong", await (await SignInAsync(phone, "ada.reset@example.com", Password)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(phone, "ada.reset@example.com", "a brand new passphrase")).StatusCode);
    }

    [Fact]
    public async Task Changing_the_password_keeps_this_session_and_signs_out_every_other()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.change@example.com");
        using var laptop = site.Web.CreateClient(new CookieContainer());
        using var phone = site.Web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(laptop, "ada.change@example.com", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(phone, "ada.change@example.com", Password)).StatusCode);

        var changed = await PostAsync(phone, "/Account/Manage?handler=Password", ("Password.Current", Password), ("Password.New", "a brand new passphrase"));

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.True(await IsSignedInAsync(phone), "The session that changed the password was signed out.");
        Assert.False(await IsSignedInAsync(laptop), "Another session is still signed in after the password changed.");
    }

    [Fact]
    public async Task A_new_email_counts_once_its_emailed_link_is_followed()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.email@example.com");
        using var client = site.Web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, "ada.email@example.com", Password)).StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "/Account/Manage?handler=Email", ("NewEmail", "ada.email@lovelace.example"), ("currentPassword", Password))).StatusCode);
        var link = Link(await site.WaitForEmailAsync("ada.email@lovelace.example", "Confirm your new email"), "/Account/ConfirmEmailChange");
        Assert.Contains("Your new email is confirmed", await OpenLinkAsync(client, link), StringComparison.Ordinal);

        Assert.True(await IsSignedInAsync(client));
        using var other = site.Web.CreateClient(new CookieContainer());
        Assert.Contains("The email or the password is wrong", await (await SignInAsync(other, "ada.email@example.com", Password)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(other, "ada.email@lovelace.example", Password)).StatusCode);
    }

    [Fact]
    public async Task A_user_downloads_their_data_and_deletes_their_account_with_their_password()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.delete@example.com");
        using var client = site.Web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, "ada.delete@example.com", Password)).StatusCode);

        var download = await PostAsync(client, "/Account/Manage?handler=Download", ("currentPassword", Password));
        var refused = await PostAsync(client, "/Account/Manage?handler=Delete", ("deletePassword", "not my password"));
        var deleted = await PostAsync(client, "/Account/Manage?handler=Delete", ("deletePassword", Password));

        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Contains("\"Email\": \"ada.delete@example.com\"", await download.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("The password is wrong", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.False(await IsSignedInAsync(client));
        Assert.Equal(0L, await postgres.QueryScalarAsync<long>(site.Database, "SELECT count(*) FROM users WHERE normalized_email = 'ADA.DELETE@EXAMPLE.COM'"));
    }

    [Fact]
    public async Task With_two_factor_on_the_password_alone_does_not_sign_in_the_apps_code_does_and_a_recovery_code_works_once()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.twofactor@example.com");
        using var client = site.Web.CreateClient(new CookieContainer());
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(client, "ada.twofactor@example.com", Password)).StatusCode);
        await PostAsync(client, "/Account/Manage/TwoFactor?handler=Key");
        var key = Regex.Match(await client.GetStringAsync("/Account/Manage/TwoFactor"), """id="authenticator-key">(?<key>[a-z0-9 ]+)</code>""").Groups["key"].Value;

        var enabled = await (await PostAsync(client, "/Account/Manage/TwoFactor?handler=Enable", ("code", Totp(key)))).Content.ReadAsStringAsync();
        var codes = Regex.Matches(enabled, "<li><code>(?<code>[^<]+)</code></li>").Select(match => match.Groups["code"].Value).ToList();
        Assert.Equal(10, codes.Count);

        using var phone = site.Web.CreateClient(new CookieContainer());
        var password = await SignInAsync(phone, "ada.twofactor@example.com", Password);
        var step = password.Headers.Location?.OriginalString ?? "";
        Assert.StartsWith("/Account/LoginWith2fa", step, StringComparison.Ordinal);
        Assert.False(await IsSignedInAsync(phone), "The password alone signed in.");
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(phone, step, ("code", Totp(key)))).StatusCode);
        Assert.True(await IsSignedInAsync(phone));

        Assert.True(await SignInWithRecoveryCodeAsync(site, "ada.twofactor@example.com", codes[0]));
        Assert.False(await SignInWithRecoveryCodeAsync(site, "ada.twofactor@example.com", codes[0]), "A recovery code signed in twice.");
    }

    private static async Task<bool> SignInWithRecoveryCodeAsync(Site site, string email, string code)
    {
        using var client = site.Web.CreateClient(new CookieContainer());
        var step = (await SignInAsync(client, email, Password)).Headers.Location?.OriginalString ?? "";
        var recovery = step + (step.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "handler=Recovery";
        await PostAsync(client, recovery, ("recoveryCode", code));
        return await IsSignedInAsync(client);
    }

    // The six-digit code an authenticator app shows now for the key (RFC 6238: HMAC-SHA1, 30-second steps).
    private static string Totp(string base32Key)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var key = new List<byte>();
        var (buffer, bits) = (0, 0);
        foreach (var character in base32Key.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())
        {
            buffer = (buffer << 5) | Alphabet.IndexOf(character, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                key.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
                buffer &= (1 << bits) - 1;
            }
        }
        var counter = BitConverter.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }
        var hash = System.Security.Cryptography.HMACSHA1.HashData(key.ToArray(), counter);
        var offset = hash[^1] & 0x0F;
        var code = (((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3]) % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_so_that_even_the_right_one_is_refused()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.lockout@example.com");
        using var client = site.Web.CreateClient(new CookieContainer());

        for (var attempt = 1; attempt <= 5; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SignInAsync(client, "ada.lockout@example.com", $"wrong guess {attempt}")).StatusCode);
        }
        var right = await SignInAsync(client, "ada.lockout@example.com", Password);

        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("this account is locked", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await IsSignedInAsync(client));
        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(site.Database, "SELECT count(*) FROM users WHERE lockout_end > now() + interval '14 minutes'"));
    }

    [Fact]
    public async Task Posts_beyond_the_limit_from_one_address_get_429_while_another_address_still_signs_in()
    {
        await using var site = await StartSiteAsync("accounts_rate_limit", ("FORM_POSTS_PER_MINUTE", "3"));
        await site.SignUpAsync("ada.limit@example.com", from: "198.51.100.7");
        using var attacker = site.Web.CreateClient(new CookieContainer());
        using var visitor = site.Web.CreateClient(new CookieContainer());
        visitor.DefaultRequestHeaders.Remove("X-Forwarded-For");
        visitor.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.8");

        var answers = new List<HttpStatusCode>();
        foreach (var path in new[] { "/Account/Login", "/Account/Register", "/Account/ForgotPassword", "/Account/Login" })
        {
            answers.Add((await PostAsync(attacker, path, ("Input.Email", "nobody.limit@example.com"), ("Input.Password", "wrong password"))).StatusCode);
        }
        var other = await SignInAsync(visitor, "ada.limit@example.com", Password);

        // Three posts, to any of the account forms, then 429: one budget per address.
        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, answers.Take(3));
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
    }

    [Fact]
    public async Task The_admin_command_makes_an_admin_who_sees_jobs_where_another_user_gets_403_and_a_visitor_is_sent_to_sign_in()
    {
        var site = await SiteAsync();
        await site.SignUpAsync("ada.admin@example.com");
        await site.SignUpAsync("linus.admin@example.com");
        using var ada = site.Web.CreateClient(new CookieContainer());
        using var linus = site.Web.CreateClient(new CookieContainer());
        using var visitor = site.Web.CreateClient();
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(ada, "ada.admin@example.com", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInAsync(linus, "linus.admin@example.com", Password)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ada.GetAsync("/jobs")).StatusCode);

        var granted = await site.App.RunOneOffAsync("admin ada.admin@example.com", site.Vars);
        var again = await site.App.RunOneOffAsync("admin ada.admin@example.com", site.Vars);

        Assert.True(granted.ExitCode == 0, granted.ToString());
        Assert.Contains("ada.admin@example.com is now an admin", granted.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("ada.admin@example.com is already an admin", again.StandardOutput, StringComparison.Ordinal);
        // The same session, with no new sign-in.
        var dashboard = await ada.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("guestbook-cleanup", await ada.GetStringAsync("/jobs/recurring"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await linus.GetAsync("/jobs")).StatusCode);
        var anonymous = await visitor.GetAsync("/jobs");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.EndsWith("/Account/Login?ReturnUrl=%2Fjobs", anonymous.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_command_refuses_an_unknown_email_and_a_missing_one()
    {
        var site = await SiteAsync();

        var unknown = await site.App.RunOneOffAsync("admin nobody.refused@example.com", site.Vars);
        var missing = await site.App.RunOneOffAsync("admin", site.Vars);

        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("admin failed: no account has the email nobody.refused@example.com", unknown.StandardError, StringComparison.Ordinal);
        Assert.Equal(64, missing.ExitCode);
        Assert.Contains("Usage: admin EMAIL", missing.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_browser_a_visitor_signs_up_confirms_signs_in_adds_a_passkey_and_signs_in_with_it_alone()
    {
        var site = await SiteAsync();
        await using var browser = await WatchedPage.OpenAsync(new Uri(site.Web.BaseAddress, "/Account/Register").ToString());
        var page = browser.Page;
        await AddVirtualAuthenticatorAsync(browser);

        await page.FillAsync("#Input_Email", "ada.browser@example.com");
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("main form [type=submit]");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("we have emailed ada.browser@example.com a link");

        await page.GotoAsync(new Uri(site.Web.BaseAddress, Link(await site.WaitForEmailAsync("ada.browser@example.com", "Confirm your email"), "/Account/ConfirmEmail")).ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your email is confirmed");

        await page.GotoAsync(new Uri(site.Web.BaseAddress, "/Account/Login").ToString());
        await page.FillAsync("#Input_Email", "ada.browser@example.com");
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("main form:not([data-passkey]) [type=submit]");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();

        await page.ClickAsync(".account >> text=Account");
        await page.ClickAsync("main >> text=passkeys");
        await page.FillAsync("#passkey-name", "Virtual key");
        await page.FillAsync("#add-password", Password);
        await page.ClickAsync("form[data-passkey] [type=submit]");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Passkey \"Virtual key\" added");
        await Expect(page.Locator(".passkey strong")).ToHaveTextAsync("Virtual key");
        Assert.Equal(1L, await postgres.QueryScalarAsync<long>(site.Database,
            "SELECT count(*) FROM user_passkeys p JOIN users u ON u.id = p.user_id WHERE u.normalized_email = 'ADA.BROWSER@EXAMPLE.COM'"));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(site.Web.BaseAddress, "/Account/Login").ToString());
        await page.ClickAsync("form[data-passkey] [type=submit]");

        // Signed in with no password typed: the header offers to sign out.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        Assert.Equal(new Uri(site.Web.BaseAddress, "/").ToString(), page.Url);
        browser.AssertNoProblems();
    }

    /// <summary>
    /// Every account page, in each state a user meets it, at a laptop's width and a phone's, light and dark: kept in
    /// test-artifacts/. One visitor's whole journey: sign-up, confirmation, sign-in, a new email, a passkey, two-factor,
    /// a sign-in with the app's code, sign-out, and a forgotten password.
    /// </summary>
    [Fact]
    public async Task Every_account_page_loads_cleanly_at_a_laptops_and_a_phones_width_light_and_dark()
    {
        var site = await SiteAsync();
        await using var browser = await WatchedPage.OpenAsync(new Uri(site.Web.BaseAddress, "/Account/Register").ToString(), 1280, 800);
        var page = browser.Page;
        await AddVirtualAuthenticatorAsync(browser);
        var shots = new List<string>();
        async Task ShootAsync(string name)
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            foreach (var (width, height) in new[] { (1280, 800), (390, 844) })
            {
                await page.SetViewportSizeAsync(width, height);
                // Nothing wider than the window: no sideways scrolling on a phone.
                Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{name} scrolls sideways at {width} px");
                foreach (var theme in new[] { "light", "dark" })
                {
                    await page.EvaluateAsync($"document.documentElement.dataset.theme = '{theme}'");
                    var path = Path.Combine(Repository.Artifacts, $"accounts-{name}-{theme}-{width}x{height}.png");
                    await page.ScreenshotAsync(new() { Path = path, FullPage = true });
                    shots.Add(path);
                }
            }
            await page.SetViewportSizeAsync(1280, 800);
        }
        Task GoAsync(string path) => page.GotoAsync(new Uri(site.Web.BaseAddress, path).ToString());
        // The password a sensitive change asks for again, where the form has a field for it.
        async Task ConfirmPasswordAsync(string form)
        {
            var field = page.Locator($"{form} input[type=password]");
            if (await field.CountAsync() > 0)
            {
                await field.FillAsync(Password);
            }
        }
        var email = "ada.pages@example.com";

        await ShootAsync("register");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("main form [type=submit]");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync($"we have emailed {email} a link");
        await ShootAsync("register-sent");
        await GoAsync(Link(await site.WaitForEmailAsync(email, "Confirm your email"), "/Account/ConfirmEmail"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your email is confirmed");
        await ShootAsync("confirm-email");
        await GoAsync("/Account/ConfirmEmail");
        await ShootAsync("confirm-email-bad-link");

        await GoAsync("/Account/Login");
        await ShootAsync("login");
        await page.FillAsync("#Input_Email", email);
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("main form:not([data-passkey]) [type=submit]");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await ShootAsync("home-signed-in");

        await GoAsync("/Account/Manage");
        await ShootAsync("account");
        var newEmail = "ada.pages@lovelace.example";
        await page.FillAsync("#NewEmail", newEmail);
        await ConfirmPasswordAsync("form:has(#NewEmail)");
        await page.ClickAsync("form:has(#NewEmail) [type=submit]");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync(newEmail);
        await ShootAsync("account-email-sent");
        await GoAsync(Link(await site.WaitForEmailAsync(newEmail, "Confirm your new email"), "/Account/ConfirmEmailChange"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Your new email is confirmed");
        await ShootAsync("confirm-email-change");

        await GoAsync("/Account/Manage/Passkeys");
        await ShootAsync("passkeys");
        await page.FillAsync("#passkey-name", "Virtual key");
        await ConfirmPasswordAsync("form[data-passkey]");
        await page.ClickAsync("form[data-passkey] [type=submit]");
        await Expect(page.Locator(".passkey strong")).ToHaveTextAsync("Virtual key");
        await ShootAsync("passkeys-listed");

        await GoAsync("/Account/Manage/TwoFactor");
        await ShootAsync("two-factor");
        await page.ClickAsync("form:has-text('Make a key') [type=submit]");
        await Expect(page.Locator("#authenticator-key")).ToBeVisibleAsync();
        await ShootAsync("two-factor-key");
        var key = await page.Locator("#authenticator-key").InnerTextAsync();
        await page.FillAsync("#code", Totp(key));
        await page.ClickAsync("form:has(#code) [type=submit]");
        await Expect(page.Locator("main li code").First).ToBeVisibleAsync();
        await ShootAsync("two-factor-on");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await GoAsync("/Account/Login");
        await page.FillAsync("#Input_Email", newEmail);
        await page.FillAsync("#Input_Password", Password);
        await page.ClickAsync("main form:not([data-passkey]) [type=submit]");
        await Expect(page.Locator("#code")).ToBeVisibleAsync();
        await ShootAsync("login-two-factor");
        await page.FillAsync("#code", Totp(key));
        await page.ClickAsync("form:has(#code) [type=submit]");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await GoAsync("/Account/Logout");
        await ShootAsync("logout");
        await page.ClickAsync("main form [type=submit]");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();

        await GoAsync("/Account/ForgotPassword");
        await ShootAsync("forgot-password");
        await page.FillAsync("#Input_Email", newEmail);
        await page.ClickAsync("main form [type=submit]");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("If an account has that email");
        await ShootAsync("forgot-password-sent");
        await GoAsync(Link(await site.WaitForEmailAsync(newEmail, "Choose a new password"), "/Account/ResetPassword"));
        await ShootAsync("reset-password");

        Assert.Equal(19 * 2 * 2, shots.Count);
        Assert.All(shots, shot => Assert.True(new FileInfo(shot).Length > 0));
        browser.AssertNoProblems();
    }

    // Chromium's virtual authenticator: a platform authenticator that verifies the user and keeps passkeys.
    private static async Task AddVirtualAuthenticatorAsync(WatchedPage browser)
    {
        var devtools = await browser.Context.NewCDPSessionAsync(browser.Page);
        await devtools.SendAsync("WebAuthn.enable");
        await devtools.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });
    }

    private async Task<Site> StartSiteAsync(string purpose, params (string Name, string Value)[] more) =>
        await Site.StartAsync(await apps.PublishedAsync(package, Scenario.Accounts), await postgres.CreateDatabaseAsync(purpose), startProcesses: true, more);

    private Task<Site> SiteAsync() => shared.SiteAsync(package, apps, postgres);

    /// <summary>
    /// One site for the tests that need no settings of their own (they run one at a time, each with addresses of its
    /// own): starting the processes is most of a test's time. Its budget of form posts is large, so that no test spends
    /// another's; the rate-limit test has a site of its own.
    /// </summary>
    public sealed class SharedSite : IAsyncDisposable
    {
        private Task<Site>? _site;

        internal Task<Site> SiteAsync(TemplatePackage package, PreparedApps apps, PostgresServer postgres) =>
            _site ??= Task.Run(async () => await Site.StartAsync(
                await apps.PublishedAsync(package, Scenario.Accounts), await postgres.CreateDatabaseAsync("accounts"), startProcesses: true,
                ("FORM_POSTS_PER_MINUTE", "1000")));

        public async ValueTask DisposeAsync()
        {
            if (_site is { IsCompletedSuccessfully: true })
            {
                await (await _site).DisposeAsync();
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string? Location, string Page)> SignUpAnswerAsync(Site site, string email)
    {
        using var client = site.Web.CreateClient(new CookieContainer());
        var answer = await PostAsync(client, "/Account/Register", ("Input.Email", email), ("Input.Password", Password));
        return (answer.StatusCode, answer.Headers.Location?.OriginalString, MainContent(await client.GetStringAsync("/Account/Register")));
    }

    private static async Task<(HttpStatusCode Status, string? Location, string Page)> ForgotAnswerAsync(Site site, string email)
    {
        using var client = site.Web.CreateClient(new CookieContainer());
        var answer = await PostAsync(client, "/Account/ForgotPassword", ("Input.Email", email));
        return (answer.StatusCode, answer.Headers.Location?.OriginalString, MainContent(await client.GetStringAsync("/Account/ForgotPassword")));
    }

    /// <summary>Posts a page's form with the antiforgery token of a fresh GET, as a browser would.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, params (string Name, string Value)[] fields) =>
        await client.PostAsync(path, Html.Form(Html.AntiforgeryToken(await client.GetStringAsync(path)), fields));

    internal static Task<HttpResponseMessage> SignInAsync(HttpClient client, string email, string password) =>
        PostAsync(client, "/Account/Login", ("Input.Email", email), ("Input.Password", password));

    // The header's sign-out button is there for a signed-in user alone.
    private static async Task<bool> IsSignedInAsync(HttpClient client) =>
        (await client.GetStringAsync("/")).Contains("Sign out</button>", StringComparison.Ordinal);

    /// <summary>The link to <paramref name="path"/> in an email's text, as a path and query.</summary>
    internal static string Link(string email, string path) =>
        Regex.Match(email, $@"https://[^/\s]+(?<link>{Regex.Escape(path)}\?\S+)") is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups["link"].Value)
            : throw new InvalidOperationException($"No link to {path} in the email:\n{email}");

    /// <summary>Opens an emailed link as a browser does: its first answer moves the code out of the address, and redirects.</summary>
    private static async Task<string> OpenLinkAsync(HttpClient client, string link)
    {
        var first = await client.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        return await client.GetStringAsync(first.Headers.Location);
    }

    private static string Field(string html, string name) =>
        WebUtility.HtmlDecode(Regex.Match(html, $"""name="{Regex.Escape(name)}" value="(?<value>[^"]*)" """).Groups["value"].Value);

    // The page's main content: the header changes with the antiforgery token and the theme, not with the answer.
    private static string MainContent(string html) =>
        AntiforgeryValue().Replace(Regex.Match(html, "<main.*</main>", RegexOptions.Singleline).Value, "");

    private static long Scalar(string database, string sql)
    {
        using var connection = new Npgsql.NpgsqlConnection(TestUrls.ToConnectionString(database).ConnectionString);
        connection.Open();
        using var command = new Npgsql.NpgsqlCommand(sql, connection);
        return command.ExecuteScalar() is long count ? count : -1;
    }

    [GeneratedRegex("""value="CfDJ8[^"]*" """)]
    private static partial Regex AntiforgeryValue();

    /// <summary>
    /// The app deployed: released into a database of its own, with a web and a worker process, its email going to a
    /// mail server of its own.
    /// </summary>
    internal sealed class Site : IAsyncDisposable
    {
        private Site(GeneratedApp app, Dictionary<string, string> vars, string database, SmtpServer smtp, AppProcess? web, AppProcess? worker)
        {
            App = app;
            Vars = vars;
            Database = database;
            Smtp = smtp;
            _web = web;
            _worker = worker;
        }

        private readonly AppProcess? _web;
        private readonly AppProcess? _worker;

        public GeneratedApp App { get; }

        public Dictionary<string, string> Vars { get; }

        public string Database { get; }

        public SmtpServer Smtp { get; }

        public AppProcess Web => _web ?? throw new InvalidOperationException("This site was started without its processes.");

        public static async Task<Site> StartAsync(GeneratedApp app, string database, bool startProcesses, params (string Name, string Value)[] more)
        {
            var smtp = await SmtpServer.StartAsync(SmtpTls.None);
            var vars = ConfigVars.Production(database);
            vars["EMAIL_URL"] = $"smtp://127.0.0.1:{smtp.Port}";
            vars["DEFAULT_FROM_EMAIL"] = "noreply@example.com";
            foreach (var (name, value) in more)
            {
                vars[name] = value;
            }
            (await app.RunProcfileAsync("release", vars)).EnsureSuccess();
            if (!startProcesses)
            {
                return new Site(app, vars, database, smtp, null, null);
            }
            var web = await app.StartWebAsync(vars);
            var worker = await app.StartWorkerAsync(vars);
            return new Site(app, vars, database, smtp, web, worker);
        }

        /// <summary>An account, signed up and confirmed through its email, as a visitor makes one.</summary>
        public async Task SignUpAsync(string email, string from = "203.0.113.10")
        {
            using var client = Web.CreateClient(new CookieContainer());
            client.DefaultRequestHeaders.Remove("X-Forwarded-For");
            client.DefaultRequestHeaders.Add("X-Forwarded-For", from);
            Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(client, "/Account/Register", ("Input.Email", email), ("Input.Password", Password))).StatusCode);
            var link = Link(await WaitForEmailAsync(email, "Confirm your email"), "/Account/ConfirmEmail");
            Assert.Contains("Your email is confirmed", await OpenLinkAsync(client, link), StringComparison.Ordinal);
        }

        /// <summary>The text of the email to <paramref name="to"/> with that subject, once the worker has sent it.</summary>
        public async Task<string> WaitForEmailAsync(string to, string subject)
        {
            string? text = null;
            await WaitUntilAsync(() => (text = Smtp.Received.Where(message => message.To.Contains(to)).Select(message => Decode(message.Data))
                .FirstOrDefault(message => message.Contains($"Subject: {subject}", StringComparison.Ordinal))) is not null, $"the email \"{subject}\" to {to}");
            return text!;
        }

        public async Task WaitUntilAsync(Func<bool> condition, string what)
        {
            var deadline = DateTime.UtcNow + Patience;
            while (!condition())
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"Waited {Patience.TotalMinutes} minutes for {what}.\n{_web?.Output}\n---\n{_worker?.Output}");
                }
                await Task.Delay(100);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_worker is not null)
            {
                await _worker.DisposeAsync();
            }
            if (_web is not null)
            {
                await _web.DisposeAsync();
            }
            await Smtp.DisposeAsync();
        }
    }

    // A message as it crossed the wire, quoted-printable text undone (soft line breaks joined, =XX bytes decoded) if it is so.
    private static string Decode(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data);
        if (!text.Contains("Content-Transfer-Encoding: quoted-printable", StringComparison.OrdinalIgnoreCase))
        {
            return text;
        }
        text = text.Replace("=\r\n", "", StringComparison.Ordinal).Replace("=\n", "", StringComparison.Ordinal);
        return QuotedByte().Replace(text, match => ((char)Convert.ToByte(match.Groups[1].Value, 16)).ToString());
    }

    [GeneratedRegex("=([0-9A-F]{2})")]
    private static partial Regex QuotedByte();
}
