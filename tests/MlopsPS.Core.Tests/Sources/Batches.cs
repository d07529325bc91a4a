using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

/// <summary>Test helpers over sequences of batches.</summary>
internal static class Batches
{
    /// <summary>All rows of <paramref name="batches"/> in one batch (they must share a schema).</summary>
    public static ColumnBatch Concat(IEnumerable<ColumnBatch> batches)
    {
        var list = batches.ToList();
        Assert.NotEmpty(list);
        var schema = list[0].Schema;
        var total = list.Sum(b => b.RowCount);
        var columns = schema.Columns.Select(c => c.CreateArray(total)).ToArray();
        var offset = 0;
        foreach (var batch in list)
        {
            Assert.Equal(schema, batch.Schema);
            for (var c = 0; c < columns.Length; c++)
            {
                Array.Copy(batch.Columns[c], 0, columns[c], offset, batch.RowCount);
            }

            offset += batch.RowCount;
        }

        return new ColumnBatch(schema, columns, total);
    }

    /// <summary>Asserts two batches hold the same schema and values, naming the first column that differs.</summary>
    public static void AssertSameRows(ColumnBatch expected, ColumnBatch actual)
    {
        Assert.Equal(expected.Schema, actual.Schema);
        Assert.Equal(expected.RowCount, actual.RowCount);
        for (var c = 0; c < expected.Columns.Count; c++)
        {
            var name = expected.Schema.Columns[c].Name;
            Assert.True(
                expected.Columns[c].Cast<object?>().SequenceEqual(actual.Columns[c].Cast<object?>()),
                $"Column '{name}' differs.");
        }
    }

    /// <summary>The values of one column as doubles (integers, doubles, nullable or not; nulls are dropped).</summary>
    public static List<double> Numbers(ColumnBatch batch, string column) =>
        batch.Column(column).Cast<object?>().Where(v => v is not null).Select(v => Convert.ToDouble(v)).ToList();
}
