namespace Heroku.AspNetCore.Tests.Jobs;

/// <summary>JOBS_PASSWORD and JOBS_VISIBILITY_TIMEOUT, read like the rest of the settings.</summary>
public sealed class JobsSettingsTests
{
    [Fact]
    public void Unset_there_is_no_dashboard_password_and_a_dead_workers_job_comes_back_after_three_minutes()
    {
        var settings = TestSettings.Jobs();

        Assert.Null(settings.DashboardPassword);
        Assert.Equal(TimeSpan.FromMinutes(3), settings.VisibilityTimeout);
    }

    [Fact]
    public void The_visibility_timeout_is_read_in_seconds()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), TestSettings.Jobs(visibilityTimeout: "30").VisibilityTimeout);
    }

    [Theory]
    [InlineData("29")]
    [InlineData("3601")]
    [InlineData("3m")]
    public void A_visibility_timeout_out_of_range_is_named(string value)
    {
        var exception = Assert.Throws<InvalidSettingsException>(() => TestSettings.Jobs(visibilityTimeout: value));

        Assert.Equal("JOBS_VISIBILITY_TIMEOUT", Assert.Single(exception.Problems).Name);
    }

    [Fact]
    public void A_weak_dashboard_password_is_named_and_never_shown()
    {
        var exception = Assert.Throws<InvalidSettingsException>(() => TestSettings.Jobs(password: "hunter2"));

        Assert.Equal("JOBS_PASSWORD", Assert.Single(exception.Problems).Name);
        Assert.DoesNotContain("hunter2", exception.Message, StringComparison.Ordinal);
    }
}
