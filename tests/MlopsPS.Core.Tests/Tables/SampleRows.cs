using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Tables;

/// <summary>Rows with a column of every type (nulls in every nullable one), derived from the row id.</summary>
internal static class SampleRows
{
    public static readonly DateTime Epoch = new(2024, 3, 1, 8, 30, 0, DateTimeKind.Utc);

    public static readonly TableSchema Schema = new(
    [
        new ColumnSpec("id", ColumnType.Int64),
        new ColumnSpec("name", ColumnType.String, Nullable: true),
        new ColumnSpec("score", ColumnType.Double, Nullable: true),
        new ColumnSpec("ratio", ColumnType.Float),
        new ColumnSpec("count", ColumnType.Int32, Nullable: true),
        new ColumnSpec("flag", ColumnType.Boolean),
        new ColumnSpec("at", ColumnType.Timestamp, Nullable: true),
    ]);

    /// <summary>Rows <paramref name="firstId"/> .. firstId + count - 1.</summary>
    public static ColumnBatch Batch(long firstId, int count)
    {
        var id = new long[count];
        var name = new string?[count];
        var score = new double?[count];
        var ratio = new float[count];
        var counts = new int?[count];
        var flag = new bool[count];
        var at = new DateTime?[count];
        for (var i = 0; i < count; i++)
        {
            var row = firstId + i;
            id[i] = row;
            name[i] = Name(row);
            score[i] = Score(row);
            ratio[i] = Ratio(row);
            counts[i] = Count(row);
            flag[i] = Flag(row);
            at[i] = At(row);
        }

        return new ColumnBatch(Schema, [id, name, score, ratio, counts, flag, at], count);
    }

    public static string? Name(long row) => row % 5 == 0 ? null : $"name-{row}";

    public static double? Score(long row) => row % 7 == 0 ? null : (row * 1.25) - 3;

    public static float Ratio(long row) => row / 8f;

    public static int? Count(long row) => row % 3 == 0 ? null : (int)(row * 2);

    public static bool Flag(long row) => row % 2 == 0;

    // Microsecond steps: the precision tables keep.
    public static DateTime? At(long row) => row % 4 == 0 ? null : Epoch.AddTicks(row * 12_345_670);

    /// <summary>The ids of all rows read by a scan, in order.</summary>
    public static long[] Ids(TableScan scan) => scan.ReadBatches().SelectMany(b => b.Column<long>("id")).ToArray();

    public static long[] Range(long first, int count) => Enumerable.Range(0, count).Select(i => first + i).ToArray();
}
