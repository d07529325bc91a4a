using MlopsPS.Core.Tables;

/// <summary>
/// Rows the tests can check: (writer, batch, row) identifies each row, and value is derived from the seed so
/// a reader can recompute it.
/// </summary>
public static class TestRows
{
    public static readonly TableSchema Schema = new(
    [
        new ColumnSpec("writer", ColumnType.Int32),
        new ColumnSpec("batch", ColumnType.Int32),
        new ColumnSpec("row", ColumnType.Int32),
        new ColumnSpec("value", ColumnType.Double),
    ]);

    public static ColumnBatch Batch(int writer, int batch, int rows, int seed)
    {
        var writers = new int[rows];
        var batches = new int[rows];
        var rowIds = new int[rows];
        var values = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            writers[i] = writer;
            batches[i] = batch;
            rowIds[i] = i;
            values[i] = Value(writer, batch, i, seed);
        }

        return new ColumnBatch(Schema, [writers, batches, rowIds, values], rows);
    }

    public static double Value(int writer, int batch, int row, int seed) => (((writer * 1_000_003L) + (batch * 10_007L) + row) * 0.5) + seed;
}
