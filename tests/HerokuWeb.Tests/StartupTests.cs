using System.Net;
using System.Net.Sockets;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>What a web dyno does before it serves: Heroku counts it as up once it binds $PORT.</summary>
public sealed class StartupTests(TemplatePackage package, PreparedApps apps)
{
    [Fact]
    public async Task The_database_variant_binds_its_port_and_serves_its_home_page_while_its_database_hangs()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        // A database address that accepts connections and never answers. Data Protection reads the key ring from
        // it as the host starts, before the port is bound, and gives up after the connect timeout (5 s), well
        // inside Heroku's 60 s boot window; the first page that needs the key ring reads it again.
        using var database = new TcpListener(IPAddress.Loopback, 0);
        database.Start();
        var port = ((IPEndPoint)database.LocalEndpoint).Port;

        await using var web = await app.StartWebAsync(
            ConfigVars.Production($"postgres://app:secret@127.0.0.1:{port}/app?sslmode=disable"));
        using var client = web.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
    }
}
