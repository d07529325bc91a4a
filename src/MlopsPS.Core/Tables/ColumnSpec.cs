using System.Text.Json.Serialization;

namespace MlopsPS.Core.Tables;

/// <summary>One column of a table schema.</summary>
/// <param name="Name">The column name, unique within the schema (case-sensitive, as Parquet).</param>
/// <param name="Type">The value type.</param>
/// <param name="Nullable">Whether the column may hold nulls.</param>
public sealed record ColumnSpec(string Name, ColumnType Type, bool Nullable = false)
{
    /// <summary>The CLR type of one value: <c>long</c>, or <c>long?</c> when nullable (strings are always references).</summary>
    [JsonIgnore]
    public Type ClrType => (Type, Nullable) switch
    {
        (ColumnType.String, _) => typeof(string),
        (ColumnType.Boolean, false) => typeof(bool),
        (ColumnType.Boolean, true) => typeof(bool?),
        (ColumnType.Int32, false) => typeof(int),
        (ColumnType.Int32, true) => typeof(int?),
        (ColumnType.Int64, false) => typeof(long),
        (ColumnType.Int64, true) => typeof(long?),
        (ColumnType.Float, false) => typeof(float),
        (ColumnType.Float, true) => typeof(float?),
        (ColumnType.Double, false) => typeof(double),
        (ColumnType.Double, true) => typeof(double?),
        (ColumnType.Timestamp, false) => typeof(DateTime),
        (ColumnType.Timestamp, true) => typeof(DateTime?),
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unknown column type."),
    };

    /// <summary>Whether values of this column can feed a model directly (numbers and booleans).</summary>
    [JsonIgnore]
    public bool IsNumeric => Type is not (ColumnType.String or ColumnType.Timestamp);

    /// <summary>Creates an empty typed array for <paramref name="length"/> values of this column.</summary>
    public Array CreateArray(int length) => Array.CreateInstance(ClrType, length);

    /// <inheritdoc />
    public override string ToString() => Nullable ? $"{Name} {Type}?" : $"{Name} {Type}";
}
