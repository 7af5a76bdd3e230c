using Heroku.AspNetCore;

[assembly: AssemblyFixture(typeof(MyApp.Tests.Data.TestDatabaseCleanup))]

namespace MyApp.Tests.Data;

/// <summary>
/// The app on its test database, migrated once for the run as the release phase migrates (the app's migrations and
/// the job queue's tables). Which database that is, as Django chooses:
/// TEST_DATABASE_URL; else DATABASE_URL from the environment (Heroku CI's); else .env's DATABASE_URL with
/// <c>_test</c> appended to its name, created for the run and dropped after it (see <see cref="TestDatabase"/>).
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    // Once per run: test classes start in parallel, and two migrations of one database at once collide.
    private static readonly SemaphoreSlim MigrationLock = new(1, 1);
    private static bool _migrated;

    public AppFactory App { get; } = new();

    public async ValueTask InitializeAsync()
    {
        await TestDatabase.RequireUrlAsync();
        await MigrationLock.WaitAsync();
        try
        {
            if (!_migrated)
            {
                await TestDatabase.MigrateAsync(App.Services);
                _migrated = true;
            }
        }
        finally
        {
            MigrationLock.Release();
        }
    }

    public ValueTask DisposeAsync() => App.DisposeAsync();
}

/// <summary>Drops the test database after the run, when the tests made it.</summary>
public sealed class TestDatabaseCleanup : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await TestDatabase.DropIfOwnedAsync();
}
