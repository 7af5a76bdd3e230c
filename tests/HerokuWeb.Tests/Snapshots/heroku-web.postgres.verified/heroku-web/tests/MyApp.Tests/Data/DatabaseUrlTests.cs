using Npgsql;
using MyApp.Data;

namespace MyApp.Tests.Data;

public sealed class DatabaseUrlTests
{
    private static NpgsqlConnectionStringBuilder Convert(string url, SslMode defaultSslMode = SslMode.Require, int poolSize = 5)
    {
        Assert.True(DatabaseUrl.TryParse(url, out var parsed, out var error), error);
        return new NpgsqlConnectionStringBuilder(parsed.ToConnectionString(defaultSslMode, poolSize));
    }

    [Fact]
    public void Reads_a_heroku_postgres_url()
    {
        var builder = Convert("postgres://u1a2b3:p4ssw0rd@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d5e6f7");

        Assert.Equal("ec2-1-2-3-4.compute-1.amazonaws.com", builder.Host);
        Assert.Equal(5432, builder.Port);
        Assert.Equal("u1a2b3", builder.Username);
        Assert.Equal("p4ssw0rd", builder.Password);
        Assert.Equal("d5e6f7", builder.Database);
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Equal(5, builder.MaxPoolSize);
    }

    [Theory]
    [InlineData("postgres://u:p@h/db")]
    [InlineData("postgresql://u:p@h/db")]
    [InlineData("POSTGRES://u:p@h/db")]
    public void Accepts_both_schemes(string url) => Assert.Equal("db", Convert(url).Database);

    [Fact]
    public void The_port_defaults_to_5432() => Assert.Equal(5432, Convert("postgres://u:p@h/db").Port);

    [Fact]
    public void Percent_encoded_user_password_and_database_are_decoded()
    {
        var builder = Convert("postgres://us%40er:p%40ss%3Aw%2Frd%25%23@h:6543/my%20db");

        Assert.Equal("us@er", builder.Username);
        Assert.Equal("p@ss:w/rd%#", builder.Password);
        Assert.Equal("my db", builder.Database);
        Assert.Equal(6543, builder.Port);
    }

    [Fact]
    public void An_unencoded_at_sign_in_the_password_still_works() =>
        Assert.Equal("p@ss", Convert("postgres://u:p@ss@h/db").Password);

    [Theory]
    [InlineData("postgres://u:p@[::1]:5433/db", "::1", 5433)]
    [InlineData("postgres://u:p@[2001:db8::7]/db", "2001:db8::7", 5432)]
    public void Reads_ipv6_hosts(string url, string host, int port)
    {
        var builder = Convert(url);

        Assert.Equal(host, builder.Host);
        Assert.Equal(port, builder.Port);
    }

    [Fact]
    public void A_user_without_a_password_is_allowed()
    {
        var builder = Convert("postgres://postgres@localhost/db");

        Assert.Equal("postgres", builder.Username);
        Assert.Null(builder.Password);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void The_url_sslmode_overrides_the_default(string sslmode, SslMode expected) =>
        Assert.Equal(expected, Convert($"postgres://u:p@h/db?sslmode={sslmode}", SslMode.Require).SslMode);

    [Fact]
    public void Without_sslmode_the_default_applies() =>
        Assert.Equal(SslMode.Prefer, Convert("postgres://u:p@h/db", SslMode.Prefer).SslMode);

    [Fact]
    public void Reads_the_other_libpq_parameters()
    {
        var builder = Convert("postgres://u:p@h/db?connect_timeout=7&application_name=my%20app&target_session_attrs=read-write&sslrootcert=%2Fetc%2Fca.pem");

        Assert.Equal(7, builder.Timeout);
        Assert.Equal("my app", builder.ApplicationName);
        Assert.Equal("read-write", builder.TargetSessionAttributes);
        Assert.Equal("/etc/ca.pem", builder.RootCertificate);
    }

    [Fact]
    public void The_pool_size_comes_from_the_settings() =>
        Assert.Equal(12, Convert("postgres://u:p@h/db", poolSize: 12).MaxPoolSize);

    [Theory]
    [InlineData("", "postgres://")]
    [InlineData("mysql://u:p@h/db", "postgres://")]
    [InlineData("postgres:/u:p@h/db", "postgres://")]
    [InlineData("postgres://u:p@/db", "no host")]
    [InlineData("postgres://u:p@h", "no database")]
    [InlineData("postgres://u:p@h/", "no database")]
    [InlineData("postgres://u:p@h/db/extra", "more than one segment")]
    [InlineData("postgres://u:p@h:port/db", "port")]
    [InlineData("postgres://u:p@h:70000/db", "port")]
    [InlineData("postgres://u:p@[::1/db", "IPv6")]
    [InlineData("postgres://u:p%zz@h/db", "percent-encoding")]
    [InlineData("postgres://u:p@h1,h2/db", "several hosts")]
    [InlineData("postgres://u:p@h/db?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://u:p@h/db?sslmod=disable", "unsupported query parameter 'sslmod'")]
    [InlineData("postgres://u:p@h/db?connect_timeout=soon", "connect_timeout")]
    [InlineData("postgres://u:p#w@h/db", "'#'")]
    public void Malformed_urls_are_refused_with_a_reason(string url, string reason)
    {
        Assert.False(DatabaseUrl.TryParse(url, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Errors_and_the_string_form_never_contain_the_password()
    {
        Assert.False(DatabaseUrl.TryParse("postgres://u:hunter2@h/db?sslmode=never", out _, out var error));
        Assert.DoesNotContain("hunter2", error);

        Assert.True(DatabaseUrl.TryParse("postgres://u:hunter2@h/db", out var url, out _));
        Assert.DoesNotContain("hunter2", url.ToString());
    }
}
