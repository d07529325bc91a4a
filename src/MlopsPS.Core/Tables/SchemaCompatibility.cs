namespace MlopsPS.Core.Tables;

/// <summary>
/// Whether a batch fits a table. Columns match by name (any order). A column fits when its type is the table's
/// and it is not nullable where the table is not; two widenings are allowed, as Iceberg's type promotions:
/// <c>Int32</c> into <c>Int64</c> and <c>Float</c> into <c>Double</c>. Anything else is refused: a silent
/// narrowing or a string parsed as a number would corrupt data quietly.
/// </summary>
internal static class SchemaCompatibility
{
    public static bool CanStore(ColumnSpec target, ColumnSpec incoming) =>
        (incoming.Type == target.Type || Widens(incoming.Type, target.Type)) && (target.Nullable || !incoming.Nullable);

    /// <summary>
    /// For each column of <paramref name="target"/>, the position of the same column in
    /// <paramref name="incoming"/>; throws <see cref="SchemaMismatchException"/> naming every column that does
    /// not fit.
    /// </summary>
    public static int[] Match(string table, TableSchema target, TableSchema incoming)
    {
        var positions = new int[target.Columns.Count];
        var missing = new List<string>();
        var wrongType = new List<string>();
        var details = new List<string>();
        for (var i = 0; i < target.Columns.Count; i++)
        {
            var column = target.Columns[i];
            positions[i] = incoming.IndexOf(column.Name);
            if (positions[i] < 0)
            {
                missing.Add(column.Name);
            }
            else if (!CanStore(column, incoming.Columns[positions[i]]))
            {
                wrongType.Add(column.Name);
                details.Add($"{column.Name} (table {Describe(column)}, batch {Describe(incoming.Columns[positions[i]])})");
            }
        }

        var extra = incoming.ColumnNames.Where(name => target.IndexOf(name) < 0).ToArray();
        if (missing.Count == 0 && extra.Length == 0 && wrongType.Count == 0)
        {
            return positions;
        }

        var message = new List<string>();
        if (missing.Count > 0)
        {
            message.Add($"missing column(s) {string.Join(", ", missing)}");
        }

        if (extra.Length > 0)
        {
            message.Add($"extra column(s) {string.Join(", ", extra)}");
        }

        if (wrongType.Count > 0)
        {
            message.Add($"wrong type {string.Join(", ", details)}");
        }

        throw new SchemaMismatchException(table, missing, extra, wrongType, string.Join("; ", message) + ".");
    }

    /// <summary>Whether the batch's column array can go to the file as is (no widening or lifting to nullable).</summary>
    public static bool SameStorage(ColumnSpec target, ColumnSpec incoming) =>
        incoming.Type == target.Type && incoming.Nullable == target.Nullable;

    private static bool Widens(ColumnType from, ColumnType to) =>
        (from, to) is (ColumnType.Int32, ColumnType.Int64) or (ColumnType.Float, ColumnType.Double);

    private static string Describe(ColumnSpec column) => column.Nullable ? $"{column.Type}?" : column.Type.ToString();
}
