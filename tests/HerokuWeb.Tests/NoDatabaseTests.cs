using System.Net;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>
/// With --database none the key ring is derived from SECRET_KEY: cookies and antiforgery tokens must
/// still work across dynos and restarts, with nothing stored anywhere.
/// </summary>
public sealed class NoDatabaseTests(TemplatePackage package, PreparedApps apps)
{
    private Task<GeneratedApp> AppAsync() => apps.PublishedAsync(package, Scenario.NoDatabase);

    [Fact]
    public async Task The_contact_form_posts_and_shows_its_notice_after_the_redirect_and_its_log_line_has_the_routers_request_id()
    {
        await using var web = await (await AppAsync()).StartWebAsync(ConfigVars.Production());
        using var client = web.CreateClient(new CookieContainer());
        var token = Html.AntiforgeryToken(await client.GetStringAsync("/Contact"));
        // As Heroku's router sets it, and shows it as request_id= in its own log line for the request.
        var requestId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Contact") { Content = Html.Form(token, ("Input.Name", "Ada"), ("Input.Message", "Hello")) };
        request.Headers.Add("X-Request-ID", requestId);

        var post = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        Assert.Contains("Thanks, Ada", await client.GetStringAsync("/Contact"));
        await web.WaitForOutputAsync($"Contact message from Ada: Hello request_id={requestId}\n");
    }

    [Fact]
    public async Task Cookies_from_one_dyno_work_on_another_and_after_a_restart()
    {
        var app = await AppAsync();
        var vars = ConfigVars.Production();
        var cookies = new CookieContainer();
        await using var first = await app.StartWebAsync(vars);
        await using var second = await app.StartWebAsync(vars);
        using var firstClient = first.CreateClient(cookies);
        using var secondClient = second.CreateClient(cookies);

        // The token and its cookie come from the first dyno; the notice, in an encrypted TempData cookie, from the second.
        var token = Html.AntiforgeryToken(await firstClient.GetStringAsync("/Contact"));
        var post = await secondClient.PostAsync("/Contact", Html.Form(token, ("Input.Name", "Grace"), ("Input.Message", "Hi")));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);

        await first.StopAsync(TimeSpan.FromSeconds(30));
        await using var restarted = await app.StartWebAsync(vars);
        using var restartedClient = restarted.CreateClient(cookies);

        Assert.Contains("Thanks, Grace", await restartedClient.GetStringAsync("/Contact"));
    }

    [Fact]
    public async Task A_dyno_with_another_secret_key_refuses_the_token()
    {
        var app = await AppAsync();
        var cookies = new CookieContainer();
        await using var first = await app.StartWebAsync(ConfigVars.Production(secretKey: ConfigVars.NewSecretKey()));
        await using var other = await app.StartWebAsync(ConfigVars.Production(secretKey: ConfigVars.NewSecretKey()));
        using var firstClient = first.CreateClient(cookies);
        using var otherClient = other.CreateClient(cookies);
        var token = Html.AntiforgeryToken(await firstClient.GetStringAsync("/Contact"));

        var post = await otherClient.PostAsync("/Contact", Html.Form(token, ("Input.Name", "Eve"), ("Input.Message", "Hi")));

        Assert.Equal(HttpStatusCode.BadRequest, post.StatusCode);
    }
}
