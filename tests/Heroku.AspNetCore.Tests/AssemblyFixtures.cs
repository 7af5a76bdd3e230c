using HerokuWeb.Tests.Infrastructure;

// The pack's PostgreSQL, shared by the whole run and started by the first test that asks for a database:
// TEST_DATABASE_URL, or a throwaway initdb cluster removed at the end (tests/HerokuWeb.Tests/Infrastructure).
[assembly: AssemblyFixture(typeof(PostgresServer))]
