using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tests.TestSupport;

/// <summary>
/// The base of a test class that runs once per backend, through a SQLite and a PostgreSQL subclass: each test gets a
/// store of its own (<see cref="TemporaryStore"/>), removed when the test ends.
/// </summary>
public abstract class PerBackendTests : IDisposable
{
    protected PerBackendTests(StoreBackend backend, PostgresCluster? cluster)
    {
        Temp = new TemporaryStore(backend, cluster);
    }

    /// <summary>The test's store.</summary>
    protected TemporaryStore Temp { get; }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the store; a subclass that started processes on it stops them first, then calls this.</summary>
    protected virtual void Dispose(bool disposing) => Temp.Dispose();
}
