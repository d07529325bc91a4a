using MlopsPS.Core.Store;

namespace MlopsPS.Core.Serving;

/// <summary>
/// Serialises the changes to one endpoint (publish, start, stop) across processes: an exclusive lock on a file in
/// the store's <c>logs/</c> folder (.NET takes an advisory <c>flock</c> for <see cref="FileShare.None"/> on Unix). The
/// operating system drops the lock when its process dies, so a crashed shell never wedges an endpoint.
/// </summary>
internal sealed class EndpointLock : IDisposable
{
    private readonly FileStream _file;

    private EndpointLock(FileStream file)
    {
        _file = file;
    }

    public static EndpointLock Acquire(MlopsStore store, string endpointName, TimeSpan timeout)
    {
        var path = Path.Combine(store.LogsDirectory, $"endpoint-{endpointName}.lock");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new EndpointLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
            catch (IOException e)
            {
                throw new EndpointStateException(
                    $"Another publish, start or stop of endpoint '{endpointName}' has been running for over {timeout.TotalSeconds:0} s; try again when it ends.", e);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
