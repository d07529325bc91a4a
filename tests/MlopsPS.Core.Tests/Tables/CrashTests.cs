using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

public class CrashTests
{
    [Fact]
    public async Task AnAppenderKilledMidWrite_LeavesTheTableAtItsLastCommit_AndAnOrphanThatCleanupRemoves()
    {
        using var temp = new TempStore();
        var committed = temp.Catalog.Append("crash", [TestRows.Batch(writer: 1, batch: 0, rows: 1000, seed: 1)]);

        // One full row group (100k rows) goes to the temporary file, then the appender blocks mid-append.
        using var process = TestAppenderProcess.Start("hang", temp.Root, "crash", "150000");
        var line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("HANGING", line);
        var partial = Assert.Single(Directory.GetFiles(temp.TableFolder("crash"), "*.parquet.tmp"));
        Assert.True(new FileInfo(partial).Length > 0);

        process.Kill(entireProcessTree: true);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));

        Assert.Equal(committed, temp.Catalog.CurrentSnapshot("crash"));
        Assert.Single(temp.Catalog.ListSnapshots("crash"));
        var scan = temp.Catalog.Scan("crash", ScanSpec.Current);
        Assert.Equal(1000, scan.ReadBatches().Sum(b => b.RowCount));

        var relative = $"tables/crash/{Path.GetFileName(partial)}";
        Assert.Equal([relative], temp.Catalog.RemoveOrphanFiles("crash", TimeSpan.Zero, dryRun: true).Files);
        Assert.True(File.Exists(partial));
        Assert.Equal([relative], temp.Catalog.RemoveOrphanFiles("crash", TimeSpan.Zero).Files);
        Assert.False(File.Exists(partial));
        Assert.Equal(committed.DataFiles, temp.Catalog.CurrentSnapshot("crash").DataFiles);
        Assert.Equal(1000, temp.Catalog.Scan("crash", ScanSpec.Current).ReadBatches().Sum(b => b.RowCount));
    }
}
