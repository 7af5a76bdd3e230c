using HerokuWeb.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HerokuWeb.Tests;

/// <summary>Signing the guestbook on a phone-sized screen, in Chromium.</summary>
public sealed class GuestbookBrowserTests(TemplatePackage package, PreparedApps apps, PostgresServer postgres)
{
    [Fact]
    public async Task After_signing_a_notice_says_so_and_a_long_name_keeps_its_entry_on_one_line_at_390_px()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        await using var web = await app.ReleaseAndStartWebAsync(await ConfigVars.ProductionAsync(Scenario.Postgres, postgres, "phone"));
        await using var browser = await WatchedPage.OpenAsync(new Uri(web.BaseAddress, "/Guestbook").ToString(), 390, 844);
        var page = browser.Page;
        const string name = "Grace Brewster Murray Hopper of the United States Navy";
        await page.FillAsync("#Input_Name", name);
        await page.FillAsync("#Input_Message", "Signed on a phone");

        await page.Locator("main form [type=submit]").ClickAsync();

        await Expect(page.Locator(".notice[role=status]")).ToContainTextAsync($"Thanks for signing, {name}.");
        var meta = page.Locator(".entry-meta").First;
        var nameBox = await meta.Locator("strong").BoundingBoxAsync() ?? throw new InvalidOperationException("The entry's name is not shown.");
        var timeBox = await meta.Locator("time").BoundingBoxAsync() ?? throw new InvalidOperationException("The entry's time is not shown.");
        Assert.Equal(nameBox.Y, timeBox.Y, 1.0);
        Assert.True(nameBox.Height < 2 * timeBox.Height - 1, $"The name wraps: {nameBox.Height} px tall for a {timeBox.Height} px line.");
        Assert.Equal(name, await meta.Locator("strong").GetAttributeAsync("title"));
        Assert.Equal(390, await page.EvaluateAsync<int>("document.documentElement.scrollWidth"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Artifacts, "postgres-Guestbook-signed-390x844.png"), FullPage = true });
        browser.AssertNoProblems();
    }
}
