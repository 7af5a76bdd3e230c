using System.Net;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace MyApp.Tests.Data;

public sealed class ContactJobTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sending_a_message_enqueues_its_email_and_shows_a_notice_after_the_redirect()
    {
        var client = database.App.CreateHttpsClient();
        var token = Forms.AntiforgeryToken(await client.GetStringAsync("/Contact", Cancellation));
        var name = $"Ada {Guid.NewGuid():N}";

        var response = await client.PostAsync("/Contact", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Name"] = name,
            ["Input.Message"] = "Hello",
            ["__RequestVerificationToken"] = token,
        }), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains($"Thanks, {name}", await response.Content.ReadAsStringAsync(Cancellation));
        // The worker process sends it; no worker runs in the tests, so it waits in the queue.
        var queued = database.App.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 1000);
        Assert.Contains(queued, job => job.Value.Job.Args.OfType<Contact.ContactMessage>().Any(message => message.Name == name));
    }
}
