using System.Net;
using System.Net.Sockets;
using HerokuWeb.Tests.Infrastructure;

namespace HerokuWeb.Tests;

/// <summary>What a web dyno does before it serves: Heroku counts it as up once it binds $PORT.</summary>
public sealed class StartupTests(TemplatePackage package, PreparedApps apps)
{
    [Fact]
    public async Task The_database_variant_starts_and_serves_its_home_page_without_a_database_round_trip()
    {
        var app = await apps.PublishedAsync(package, Scenario.Postgres);
        // A database address that accepts connections and never answers: any query would wait on it.
        using var database = new TcpListener(IPAddress.Loopback, 0);
        database.Start();
        var port = ((IPEndPoint)database.LocalEndpoint).Port;

        await using var web = await app.StartWebAsync(ConfigVars.Production($"postgres://app:secret@127.0.0.1:{port}/app?sslmode=disable"));
        using var client = web.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        Assert.False(database.Pending(), "The app connected to its database before serving a page that needs none.");
    }
}
