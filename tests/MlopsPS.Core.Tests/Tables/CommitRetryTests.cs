using Microsoft.Data.Sqlite;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

public class CommitRetryTests
{
    [Fact]
    public void Append_WhenTheCatalogStaysLocked_GivesUpWithCommitFailed_AndLeavesNoFileAndNoSnapshot()
    {
        using var temp = new TempStore();
        var before = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var impatient = new TableCatalog(
            temp.Store,
            new CommitRetryPolicy(MaxRetries: 1, MinWait: TimeSpan.FromMilliseconds(10), MaxWait: TimeSpan.FromMilliseconds(10), TotalTimeout: TimeSpan.FromMinutes(1), LockTimeout: TimeSpan.FromMilliseconds(100)),
            rowGroupRows: 1000);

        CommitFailedException error;
        using (var blocker = new SqliteConnection($"Data Source={temp.Store.CatalogPath};Pooling=False"))
        {
            blocker.Open();
            using var transaction = blocker.BeginTransaction(deferred: false);
            error = Assert.Throws<CommitFailedException>(() => impatient.Append("t", [SampleRows.Batch(10, 10)]));
        }

        Assert.Equal(MlopsErrorKind.InvalidOperation, error.Kind);
        Assert.Equal(2, error.Attempts);
        Assert.Single(temp.FilesOf("t"));
        Assert.Equal(before, temp.Catalog.CurrentSnapshot("t"));
        Assert.Equal(2, temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]).SequenceNumber);
    }
}
