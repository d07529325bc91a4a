using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using System.Globalization;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="TimeTravelTests"/> on a SQLite store.</summary>
public sealed class SqliteTimeTravelTests() : TimeTravelTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlTimeTravelTests(PostgresCluster cluster) : TimeTravelTests(StoreBackend.PostgreSql, cluster);

public abstract class TimeTravelTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void ScanAsOfSnapshot_ReadsTheTableAsThatSnapshotLeftIt()
    {
        using var temp = new TempStore(backend, cluster);
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);

        var scan = temp.Catalog.Scan("t", ScanSpec.AsOfSnapshot(first.SnapshotId));

        Assert.Equal(first, scan.EndSnapshot);
        Assert.Null(scan.StartSnapshot);
        Assert.Equal(10, scan.RecordCount);
        Assert.Equal(SampleRows.Range(0, 10), SampleRows.Ids(scan));
    }

    [Fact]
    public void ScanAsOfTime_ReadsTheSnapshotCurrentAtThatTime()
    {
        using var temp = new TempStore(backend, cluster);
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);

        Assert.Equal(first, temp.Catalog.SnapshotAsOf("t", first.CommittedAt));
        Assert.Equal(first, temp.Catalog.SnapshotAsOf("t", second.CommittedAt.AddTicks(-10)));
        Assert.Equal(second, temp.Catalog.SnapshotAsOf("t", second.CommittedAt));
        Assert.Equal(second, temp.Catalog.SnapshotAsOf("t", DateTime.UtcNow.AddDays(1)));
        Assert.Equal(SampleRows.Range(0, 10), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.AsOfTime(second.CommittedAt.AddTicks(-10)))));
    }

    [Fact]
    public void AsOfTime_AcceptsALocalTimeForTheSameInstant()
    {
        using var temp = new TempStore(backend, cluster);
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);

        Assert.Equal(first, temp.Catalog.SnapshotAsOf("t", first.CommittedAt.ToLocalTime()));
    }

    [Fact]
    public void AsOfTime_BeforeTheFirstSnapshot_FailsAsIceberg()
    {
        using var temp = new TempStore(backend, cluster);
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);

        var error = Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.SnapshotAsOf("t", first.CommittedAt.AddTicks(-10)));
        Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.Scan("t", ScanSpec.AsOfTime(first.CommittedAt.AddSeconds(-1))));

        Assert.StartsWith("Cannot find a snapshot older than ", error.Message, StringComparison.Ordinal);
        Assert.Equal(MlopsErrorKind.ObjectNotFound, error.Kind);
    }

    [Fact]
    public void AsOfTime_BeforeTheFirstSnapshot_NamesTheTimeInIsoFormat_WhateverTheCulture()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fi-FI"); // '.' separates hours and minutes
        try
        {
            var error = Assert.Throws<SnapshotNotFoundException>(() => temp.Catalog.SnapshotAsOf("t", new DateTime(2020, 1, 2, 3, 4, 5, DateTimeKind.Utc)));

            Assert.Contains("older than 2020-01-02T03:04:05.000000Z", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Scan_WithColumns_ReadsOnlyThoseColumnsInThatOrder()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 20)]);

        var scan = temp.Catalog.Scan("t", ScanSpec.Current.WithColumns("score", "id"));

        Assert.Equal(["score", "id"], scan.Schema.ColumnNames);
        var batch = Assert.Single(scan.ReadBatches());
        Assert.Equal(2, batch.Columns.Count);
        Assert.Equal(SampleRows.Range(0, 20), batch.Column<long>("id"));
        Assert.Equal(SampleRows.Range(0, 20).Select(SampleRows.Score), batch.Column<double?>("score"));
    }

    [Fact]
    public void Scan_WithAnUnknownColumn_NamesIt()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 20)]);

        var error = Assert.Throws<UnknownColumnException>(() => temp.Catalog.Scan("t", ScanSpec.Current.WithColumns("id", "nope")));

        Assert.Equal(["nope"], error.Columns);
        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
    }
}
