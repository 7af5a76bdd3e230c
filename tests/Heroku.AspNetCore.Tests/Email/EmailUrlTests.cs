using System.Globalization;

namespace Heroku.AspNetCore.Tests.Email;

/// <summary>
/// EMAIL_URL read as django-environ's <c>email_url</c> reads it (joke2k/django-environ, environ.py
/// <c>email_url_config</c>, with Python's urlsplit), and the port Django's SMTP backend then uses (smtplib's
/// default, 25 or 465 for SSL, when the URL has none).
/// </summary>
public sealed class EmailUrlTests
{
    // Expected: Backend;Host;Port;Security;UserName;Password. "dj" is django-environ's tests/test_email.py
    // test_smtp_parsing; every other row is what django-environ 0.11 returns for the URL, run as it is.
    [Theory]
    [InlineData("smtps://user@domain.com:password@smtp.example.com:587", "Smtp;smtp.example.com;587;StartTls;user@domain.com;password")] // dj
    [InlineData("smtp://smtp.example.com", "Smtp;smtp.example.com;25;None;;")]
    [InlineData("smtp+tls://u:p@smtp.example.com:587", "Smtp;smtp.example.com;587;StartTls;u;p")]
    [InlineData("smtp+ssl://u:p@smtp.example.com", "Smtp;smtp.example.com;465;SslOnConnect;u;p")]
    [InlineData("smtp+ssl://u:p@smtp.example.com:2465", "Smtp;smtp.example.com;2465;SslOnConnect;u;p")]
    [InlineData("SMTP+TLS://U:P@SMTP.Example.COM:587", "Smtp;smtp.example.com;587;StartTls;U;P")]
    [InlineData("smtp://u:p%40ss%2Fw%3F%23@h", "Smtp;h;25;None;u;p@ss/w?#")]
    [InlineData("smtp://user%40example.com:p@h", "Smtp;h;25;None;user@example.com;p")]
    [InlineData("smtp://user@example.com:p@ss@h:2525", "Smtp;h;2525;None;user@example.com;p@ss")]
    [InlineData("smtp://u:pa:ss@h", "Smtp;h;25;None;u;pa:ss")]
    [InlineData("smtp://u:pa+ss%2B@h", "Smtp;h;25;None;u;pa+ss+")]
    [InlineData("smtp://u@h", "Smtp;h;25;None;u;")]
    [InlineData("smtp://:p@h", "Smtp;h;25;None;;p")]
    [InlineData("smtp://u:@h", "Smtp;h;25;None;u;")]
    [InlineData("smtp://[::1]:1025", "Smtp;::1;1025;None;;")]
    [InlineData("smtp://127.0.0.1:1025", "Smtp;127.0.0.1;1025;None;;")]
    [InlineData("smtp://h:/", "Smtp;h;25;None;;")]
    [InlineData("smtp://h/path?", "Smtp;h;25;None;;")]
    [InlineData("smtp://localhost:1025", "Smtp;localhost;1025;None;;")]
    [InlineData("smtp+tls://apikey:SG.x-Y_z@smtp.sendgrid.net:587", "Smtp;smtp.sendgrid.net;587;StartTls;apikey;SG.x-Y_z")]
    [InlineData("consolemail://", "Console;;25;None;;")]
    // EMAIL_USE_TLS and EMAIL_USE_SSL in the query, any case, go to Django's settings of those names.
    [InlineData("smtp://h:587?EMAIL_USE_TLS=true", "Smtp;h;587;StartTls;;")]
    [InlineData("smtp://h?email_use_ssl=1", "Smtp;h;465;SslOnConnect;;")]
    [InlineData("smtps://h?EMAIL_USE_TLS=0", "Smtp;h;25;None;;")]
    public void Reads_the_parts_of_a_url_as_django_environ_does(string url, string expected)
    {
        var server = EmailUrl.Parse(url);

        Assert.Equal(expected, $"{server.Backend};{server.Host};{server.Port};{server.Security};{server.UserName};{server.Password}");
    }

    [Fact]
    public void Sending_gives_up_after_10_seconds_unless_the_timeout_option_says_otherwise()
    {
        Assert.Equal(TimeSpan.FromSeconds(10), EmailUrl.Parse("smtp+tls://h:587").Timeout);
        Assert.Equal(TimeSpan.FromSeconds(30), EmailUrl.Parse("smtp+tls://h:587?timeout=30").Timeout);
    }

    [Theory]
    [InlineData("smtp.example.com:587", "must be a URL")]
    [InlineData("smtp:smtp.example.com", "must be a URL")]
    [InlineData("postgres://u:p@h/db", "scheme this app does not send with")]
    [InlineData("filemail:///tmp/app-messages", "scheme this app does not send with")]
    [InlineData("smtp://", "no host")]
    [InlineData("smtp+tls://u:p@:587", "no host")]
    [InlineData("smtp://h:port", "port that is not a number")]
    [InlineData("smtp://h:70000", "port that is not a number")]
    [InlineData("smtp://h:0", "port that is not a number")]
    [InlineData("smtp://[::1", "IPv6")]
    [InlineData("smtp://[::1]x", "IPv6")]
    [InlineData("smtp://[example.com]", "IPv6")]
    [InlineData("smtp://ho st", "not a host name")]
    [InlineData("smtp://h?timeout=soon", "invalid timeout: is not a whole number")]
    [InlineData("smtp://h?timeout=0", "invalid timeout: must be between 1 and 600")]
    [InlineData("smtp://h?EMAIL_USE_TLS=maybe", "invalid EMAIL_USE_TLS")]
    [InlineData("smtp://h?EMAIL_USE_TLS=1&EMAIL_USE_SSL=1", "both EMAIL_USE_TLS and EMAIL_USE_SSL")]
    [InlineData("smtp://h?tls=1", "unsupported query parameter (supported: timeout, EMAIL_USE_TLS, EMAIL_USE_SSL)")]
    public void Refuses_what_cannot_work_with_the_reason(string url, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => EmailUrl.Parse(url)).Message);

    // Python's urlsplit ends the address part at the first '/', '?' or '#': a password with one of them unencoded
    // is cut there, and django-environ then quotes part of it ("Port could not be cast to integer value as 'Xq7'").
    // Refused here with the rule, and nothing of the password.
    [Theory]
    [InlineData("smtp+tls://u:{0}@h:587", "Xq7/Zt9k")]
    [InlineData("smtp+tls://u:{0}@h:587", "Xq7?Zt9k")]
    [InlineData("smtp+tls://u:{0}@h:587", "Xq7#Zt9k")]
    [InlineData("smtp+tls://u:{0}@h:587", "Xq7/Zt?Qvw=Kw2")]
    [InlineData("smtp+tls://{0}@h:587", "Xq7?Zt=Kw2")]
    public void An_unencoded_slash_question_mark_or_hash_in_the_password_is_refused_with_the_rule_and_nothing_of_the_password(string url, string password)
    {
        var message = Assert.Throws<FormatException>(() => EmailUrl.Parse(string.Format(CultureInfo.InvariantCulture, url, password))).Message;

        Assert.Contains("must be percent-encoded (%2F, %3F, %23)", message);
        Assert.All(Enumerable.Range(0, password.Length - 2).Select(start => password.Substring(start, 3)),
            fragment => Assert.DoesNotContain(fragment, message));
    }

    [Theory]
    [InlineData("smtp+tls://u:{0}@h:port")]
    [InlineData("smtp+tls://u:{0}@h:587?EMAIL_USE_TLS=sometimes")]
    [InlineData("smtp+tls://u:{0}@ho st:587")]
    [InlineData("smtp+tls://u:{0}@h:587?{0}=1")]
    public void Errors_never_contain_the_password(string url) =>
        Assert.DoesNotContain("hunter2", Assert.Throws<FormatException>(() => EmailUrl.Parse(string.Format(CultureInfo.InvariantCulture, url, "hunter2"))).Message);

    [Fact]
    public void A_server_shows_its_host_and_port_and_never_its_password()
    {
        var server = EmailUrl.Parse("smtp+tls://mailer:hunter2@smtp.example.com:587");

        Assert.Equal("smtp.example.com:587", server.ToString());
        Assert.Equal("[::1]:1025", EmailUrl.Parse("smtp://u:hunter2@[::1]:1025").ToString());
    }
}
