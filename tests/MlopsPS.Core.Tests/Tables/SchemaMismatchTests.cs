using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>The tests of <see cref="SchemaMismatchTests"/> on a SQLite store.</summary>
public sealed class SqliteSchemaMismatchTests() : SchemaMismatchTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlSchemaMismatchTests(PostgresCluster cluster) : SchemaMismatchTests(StoreBackend.PostgreSql, cluster);

public abstract class SchemaMismatchTests(StoreBackend backend, PostgresCluster? cluster)
{
    private static readonly TableSchema s_table = new(
    [
        new ColumnSpec("id", ColumnType.Int64),
        new ColumnSpec("amount", ColumnType.Double, Nullable: true),
        new ColumnSpec("label", ColumnType.String),
    ]);

    [Fact]
    public void Append_WithMissingExtraAndWrongTypeColumns_NamesThemAll_AndWritesNothing()
    {
        using var temp = new TempStore(backend, cluster);
        var before = temp.Catalog.Append("t", [Batch(s_table, 3)]);
        var filesBefore = temp.FilesOf("t");
        var bad = new TableSchema(
        [
            new ColumnSpec("id", ColumnType.String),
            new ColumnSpec("label", ColumnType.String),
            new ColumnSpec("surprise", ColumnType.Boolean),
        ]);

        var error = Assert.Throws<SchemaMismatchException>(() => temp.Catalog.Append("t", [Batch(bad, 3)]));

        Assert.Equal(MlopsErrorKind.InvalidData, error.Kind);
        Assert.Equal("SchemaMismatch", error.ErrorId);
        Assert.Equal(["amount"], error.MissingColumns);
        Assert.Equal(["surprise"], error.ExtraColumns);
        Assert.Equal(["id"], error.WrongTypeColumns);
        Assert.Contains("amount", error.Message, StringComparison.Ordinal);
        Assert.Contains("surprise", error.Message, StringComparison.Ordinal);
        Assert.Contains("id (table Int64, batch String)", error.Message, StringComparison.Ordinal);
        Assert.Equal(filesBefore, temp.FilesOf("t"));
        Assert.Equal(before, temp.Catalog.CurrentSnapshot("t"));
        Assert.Single(temp.Catalog.ListSnapshots("t"));
    }

    [Fact]
    public void Append_WhoseLaterBatchDoesNotFit_DiscardsTheEarlierBatchesToo()
    {
        using var temp = new TempStore(backend, cluster);
        var catalog = temp.CatalogWithRowGroups(2);
        var before = catalog.Append("t", [Batch(s_table, 3)]);
        var filesBefore = temp.FilesOf("t");
        var wrong = new TableSchema([new ColumnSpec("id", ColumnType.Int64)]);

        Assert.Throws<SchemaMismatchException>(() => catalog.Append("t", [Batch(s_table, 5), Batch(wrong, 1)]));

        Assert.Equal(filesBefore, temp.FilesOf("t"));
        Assert.Equal(before, catalog.CurrentSnapshot("t"));
    }

    [Fact]
    public void Append_OfANullableColumnIntoANonNullableOne_IsRefused()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [Batch(s_table, 3)]);
        var nullableLabel = new TableSchema(
        [
            new ColumnSpec("id", ColumnType.Int64),
            new ColumnSpec("amount", ColumnType.Double, Nullable: true),
            new ColumnSpec("label", ColumnType.String, Nullable: true),
        ]);

        var error = Assert.Throws<SchemaMismatchException>(() => temp.Catalog.Append("t", [Batch(nullableLabel, 3)]));

        Assert.Equal(["label"], error.WrongTypeColumns);
    }

    [Fact]
    public void Append_AcceptsNonNullableIntoNullable_Int32IntoInt64_AndColumnsInAnyOrder()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [Batch(s_table, 2)]);
        var narrower = new TableSchema(
        [
            new ColumnSpec("label", ColumnType.String),
            new ColumnSpec("amount", ColumnType.Double),
            new ColumnSpec("id", ColumnType.Int32),
        ]);
        var batch = new ColumnBatch(narrower, [new[] { "x", "y" }, new[] { 1.5, 2.5 }, new[] { 7, 8 }], 2);

        temp.Catalog.Append("t", [batch]);

        var rows = temp.Catalog.Scan("t", ScanSpec.Current).ReadBatches().ToArray();
        Assert.Equal(s_table, rows[1].Schema);
        Assert.Equal([7L, 8L], rows[1].Column<long>("id"));
        Assert.Equal([1.5, 2.5], rows[1].Column<double?>("amount"));
        Assert.Equal(["x", "y"], rows[1].Column<string>("label"));
    }

    [Fact]
    public void Append_WidensFloatIntoDouble()
    {
        using var temp = new TempStore(backend, cluster);
        var doubles = new TableSchema([new ColumnSpec("v", ColumnType.Double)]);
        var floats = new TableSchema([new ColumnSpec("v", ColumnType.Float)]);
        temp.Catalog.Append("t", [new ColumnBatch(doubles, [new[] { 1.0 }], 1)]);

        temp.Catalog.Append("t", [new ColumnBatch(floats, [new[] { 0.5f }], 1)]);

        Assert.Equal([1.0, 0.5], temp.Catalog.Scan("t", ScanSpec.Current).ReadBatches().SelectMany(b => b.Column<double>("v")));
    }

    [Fact]
    public void Append_OfANullStringIntoANonNullableColumn_IsRefused_AndWritesNothing()
    {
        using var temp = new TempStore(backend, cluster);
        var before = temp.Catalog.Append("t", [Batch(s_table, 2)]);
        var filesBefore = temp.FilesOf("t");
        var batch = new ColumnBatch(s_table, [new long[] { 1, 2 }, new double?[] { 1, 2 }, new[] { "a", null }], 2);

        var error = Assert.Throws<UnexpectedNullException>(() => temp.Catalog.Append("t", [batch]));

        Assert.Equal(MlopsErrorKind.InvalidData, error.Kind);
        Assert.Equal("label", error.Column);
        Assert.Equal(1, error.Row);
        Assert.Equal(filesBefore, temp.FilesOf("t"));
        Assert.Equal(before, temp.Catalog.CurrentSnapshot("t"));
    }

    private static ColumnBatch Batch(TableSchema schema, int rows) =>
        new(schema, schema.Columns.Select(c => Fill(c, rows)).ToArray(), rows);

    private static Array Fill(ColumnSpec column, int rows)
    {
        var array = column.CreateArray(rows);
        for (var i = 0; i < rows; i++)
        {
            array.SetValue(column.Type switch
            {
                ColumnType.String => $"v{i}",
                ColumnType.Int64 => (long)i,
                ColumnType.Int32 => i,
                ColumnType.Double => (double)i,
                ColumnType.Boolean => i % 2 == 0,
                _ => throw new NotSupportedException(),
            }, i);
        }

        return array;
    }
}
