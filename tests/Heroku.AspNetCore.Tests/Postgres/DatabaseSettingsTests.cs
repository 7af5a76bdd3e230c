using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Heroku.AspNetCore.Tests.Postgres;

/// <summary>The connection string the app gets from DATABASE_URL: TLS, timeouts and pool size for Heroku.</summary>
public sealed class DatabaseSettingsTests
{
    private const string Url = "postgres://app:secret@db.example.com:5432/app";

    private static NpgsqlConnectionStringBuilder ConnectionString(string url, string environment = "Production", int? poolSize = null) =>
        new(TestSettings.Database(url, poolSize).ConnectionString(new Environment(environment)));

    [Fact]
    public void Outside_development_without_an_sslmode_tls_is_required()
    {
        // Heroku Postgres refuses unencrypted connections.
        Assert.Equal(SslMode.Require, ConnectionString(Url, "Production").SslMode);
    }

    [Fact]
    public void In_development_without_an_sslmode_tls_is_used_if_the_server_offers_it()
    {
        // A local server usually has no TLS at all.
        Assert.Equal(SslMode.Prefer, ConnectionString(Url, "Development").SslMode);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void An_sslmode_in_the_url_is_kept(string sslmode, SslMode expected)
    {
        Assert.Equal(expected, ConnectionString($"{Url}?sslmode={sslmode}", "Production").SslMode);
    }

    [Fact]
    public void A_connect_timeout_in_the_url_is_honoured()
    {
        Assert.Equal(7, ConnectionString($"{Url}?connect_timeout=7").Timeout);
    }

    [Fact]
    public void Without_a_connect_timeout_connecting_gives_up_after_5_seconds()
    {
        // Well inside the 30 seconds after which Heroku's router gives up on the request (H12).
        Assert.Equal(5, ConnectionString(Url).Timeout);
    }

    [Fact]
    public void The_pool_holds_at_most_database_pool_size_connections()
    {
        Assert.Equal(3, ConnectionString(Url, poolSize: 3).MaxPoolSize);
    }

    [Fact]
    public void Without_database_pool_size_the_pool_holds_at_most_5_connections()
    {
        Assert.Equal(5, ConnectionString(Url).MaxPoolSize);
    }

    [Fact]
    public void Commands_time_out_before_herokus_router_does()
    {
        var connection = ConnectionString(Url);

        Assert.Equal(15, connection.CommandTimeout);
        Assert.Equal(2000, connection.CancellationTimeout);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = TestApps.ApplicationName;

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
