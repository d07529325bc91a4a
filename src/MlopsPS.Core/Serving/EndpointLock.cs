using System.Data.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Serving;

/// <summary>
/// Serialises the changes to one endpoint (publish, start, stop) across processes, and on PostgreSQL across machines.
/// SQLite store (one machine): an exclusive lock on a file in the store's <c>logs/</c> folder (.NET takes an advisory
/// <c>flock</c> for <see cref="FileShare.None"/> on Unix). PostgreSQL store: a session advisory lock
/// (<c>pg_try_advisory_lock</c>) on a connection held for the lock's life, keyed by the endpoint's name. Either way the
/// lock goes when its holder dies (the operating system closes the file; the server ends the session of a dropped
/// connection), so a crashed shell never wedges an endpoint.
/// </summary>
internal sealed class EndpointLock : IDisposable
{
    private const string KeyPrefix = "mlopsps.endpoint:";

    private readonly FileStream? _file;
    private readonly DbConnection? _connection;
    private readonly string? _key;

    private EndpointLock(FileStream? file, DbConnection? connection, string? key)
    {
        _file = file;
        _connection = connection;
        _key = key;
    }

    public static EndpointLock Acquire(MlopsStore store, string endpointName, TimeSpan timeout) =>
        store.Backend == StoreBackend.PostgreSql ? AcquireAdvisory(store, endpointName, timeout) : AcquireFile(store, endpointName, timeout);

    public void Dispose()
    {
        _file?.Dispose();
        if (_connection is not null)
        {
            try
            {
                // The connection goes back to the pool, its session lives on: release the lock explicitly.
                CatalogDatabase.Scalar(_connection, null, "SELECT pg_advisory_unlock(hashtext(@key));", ("key", _key));
            }
            catch (DbException)
            {
                // A broken connection: its session (and the lock) end with it.
            }

            _connection.Dispose();
        }
    }

    private static EndpointLock AcquireFile(MlopsStore store, string endpointName, TimeSpan timeout)
    {
        var path = Path.Combine(store.LogsDirectory, $"endpoint-{endpointName}.lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new EndpointLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None), null, null);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException e)
            {
                throw Busy(endpointName, timeout, e);
            }
        }
    }

    private static EndpointLock AcquireAdvisory(MlopsStore store, string endpointName, TimeSpan timeout)
    {
        var key = KeyPrefix + endpointName;
        var deadline = DateTime.UtcNow + timeout;
        var connection = store.Database.Open();
        try
        {
            while (true)
            {
                if (CatalogDatabase.Scalar(connection, null, "SELECT pg_try_advisory_lock(hashtext(@key));", ("key", key)) is true)
                {
                    return new EndpointLock(null, connection, key);
                }

                if (DateTime.UtcNow >= deadline)
                {
                    throw Busy(endpointName, timeout, null);
                }

                Thread.Sleep(50);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static EndpointStateException Busy(string endpointName, TimeSpan timeout, Exception? inner) =>
        new($"Another publish, start or stop of endpoint '{endpointName}' has been running for over {timeout.TotalSeconds:0} s; try again when it ends.", inner);
}
