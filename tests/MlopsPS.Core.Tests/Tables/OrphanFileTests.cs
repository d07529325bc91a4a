using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="OrphanFileTests"/> on a SQLite store.</summary>
public sealed class SqliteOrphanFileTests() : OrphanFileTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlOrphanFileTests(PostgresCluster cluster) : OrphanFileTests(StoreBackend.PostgreSql, cluster);

public abstract class OrphanFileTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void RemoveOrphanFiles_DryRunListsUnreferencedFiles_ThenTheRealRunDeletesOnlyThem()
    {
        using var temp = new TempStore(backend, cluster);
        var snapshot = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var folder = temp.TableFolder("t");
        var uncommitted = Path.Combine(folder, "data-0123456789abcdef0123456789abcdef.parquet");
        File.Copy(Path.Combine(temp.Root, snapshot.DataFiles[0]), uncommitted);
        var leftover = Path.Combine(folder, "data-fedcba9876543210fedcba9876543210.parquet.tmp");
        File.WriteAllBytes(leftover, new byte[123]);
        var orphans = new[] { "tables/t/data-0123456789abcdef0123456789abcdef.parquet", "tables/t/data-fedcba9876543210fedcba9876543210.parquet.tmp" };

        var dryRun = temp.Catalog.RemoveOrphanFiles("t", TimeSpan.Zero, dryRun: true);

        Assert.Equal(orphans, dryRun.Files);
        Assert.Equal(new FileInfo(uncommitted).Length + 123, dryRun.Bytes);
        Assert.True(File.Exists(uncommitted));
        Assert.True(File.Exists(leftover));

        var removed = temp.Catalog.RemoveOrphanFiles("t", TimeSpan.Zero);

        Assert.Equal(orphans, removed.Files);
        Assert.False(removed.DryRun);
        Assert.False(File.Exists(uncommitted));
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(Path.Combine(temp.Root, snapshot.DataFiles[0])));
        Assert.Equal(SampleRows.Range(0, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)));
    }

    [Fact]
    public void RemoveOrphanFiles_LeavesFilesYoungerThanTheThreshold()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        File.WriteAllBytes(Path.Combine(temp.TableFolder("t"), "data-in-progress.parquet.tmp"), [1, 2, 3]);

        Assert.Empty(temp.Catalog.RemoveOrphanFiles("t").Files);
        Assert.Empty(temp.Catalog.RemoveOrphanFiles("t", TimeSpan.FromHours(1)).Files);
        Assert.Equal(2, temp.FilesOf("t").Length);
    }

    [Fact]
    public void RemoveOrphanFiles_ForAllTables_IncludesFoldersOfTablesThatWereNeverCommitted()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("a", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("b", [SampleRows.Batch(0, 10)]);
        File.WriteAllBytes(Path.Combine(temp.TableFolder("a"), "stray.parquet"), [1]);
        Directory.CreateDirectory(temp.TableFolder("never"));
        File.WriteAllBytes(Path.Combine(temp.TableFolder("never"), "data-x.parquet.tmp"), [1]);

        var result = temp.Catalog.RemoveOrphanFiles(null, TimeSpan.Zero);

        Assert.Equal(["tables/a/stray.parquet", "tables/never/data-x.parquet.tmp"], result.Files);
        Assert.Single(temp.FilesOf("a"));
        Assert.Single(temp.FilesOf("b"));
        Assert.Empty(temp.Catalog.RemoveOrphanFiles("never", TimeSpan.Zero).Files);
    }

    [Fact]
    public void RemoveOrphanFiles_ForAnUnknownTable_FailsWithTableNotFound()
    {
        using var temp = new TempStore(backend, cluster);

        Assert.Throws<TableNotFoundException>(() => temp.Catalog.RemoveOrphanFiles("nope", TimeSpan.Zero));
        Assert.Throws<InvalidTableArgumentException>(() => temp.Catalog.RemoveOrphanFiles(null, TimeSpan.FromSeconds(-1)));
    }
}
