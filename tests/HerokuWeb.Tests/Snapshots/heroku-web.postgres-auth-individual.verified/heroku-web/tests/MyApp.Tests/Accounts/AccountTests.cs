using System.Net;
using Hangfire;
using MyApp.Accounts;
using MyApp.Tests.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace MyApp.Tests.Accounts;

public sealed class AccountTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, Dictionary<string, string> fields)
    {
        fields["__RequestVerificationToken"] = Forms.AntiforgeryToken(await client.GetStringAsync(path, Cancellation));
        return await client.PostAsync(path, new FormUrlEncodedContent(fields), Cancellation);
    }

    [Fact]
    public async Task Signing_up_enqueues_the_confirmation_email_and_the_account_cannot_sign_in_before_it_is_followed()
    {
        var client = database.App.CreateHttpsClient();
        var email = $"ada-{Guid.NewGuid():N}@example.com";

        var signup = await PostAsync(client, "/Account/Register", new() { ["Input.Email"] = email, ["Input.Password"] = "correct horse battery" });
        var signin = await PostAsync(client, "/Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = "correct horse battery" });

        Assert.Contains($"we have emailed {email} a link", await signup.Content.ReadAsStringAsync(Cancellation));
        Assert.Contains("Confirm your email first", await signin.Content.ReadAsStringAsync(Cancellation));
        await using var scope = database.App.Services.CreateAsyncScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email);
        Assert.False(user?.EmailConfirmed);
        // The worker process sends it; no worker runs in the tests, so it waits in the queue.
        var queued = database.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 1000);
        Assert.Contains(queued, job => job.Value.Job.Method.Name == nameof(AccountMailer.SendConfirmationAsync) && Equals(job.Value.Job.Args[0], user?.Id));
    }

    [Fact]
    public async Task The_jobs_dashboard_sends_a_visitor_to_sign_in()
    {
        var client = database.App.CreateClient(new() { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false });

        var response = await client.GetAsync("/jobs", Cancellation);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", response.Headers.Location?.AbsolutePath);
    }
}
