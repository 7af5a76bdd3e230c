using HerokuWeb.Tests.Infrastructure;

// Made once for the whole run and shared: packing, PostgreSQL (started by the first test that uses it),
// and the generated and published apps.
[assembly: AssemblyFixture(typeof(TemplatePackage))]
[assembly: AssemblyFixture(typeof(PostgresServer))]
[assembly: AssemblyFixture(typeof(PreparedApps))]
