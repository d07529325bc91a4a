using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tests.TestSupport;

/// <summary>A real store in a new temporary folder, deleted when the test ends.</summary>
public sealed class TemporaryStore : IDisposable
{
    public TemporaryStore()
    {
        Root = Path.Combine(Path.GetTempPath(), "mlopsps-xunit-" + Guid.NewGuid().ToString("N"));
        Store = MlopsStore.Open(Root);
    }

    public string Root { get; }

    public MlopsStore Store { get; }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the temp folder is cleaned by the OS later.
        }
    }
}
