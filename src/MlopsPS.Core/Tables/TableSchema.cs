using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlopsPS.Core.Tables;

/// <summary>The ordered columns of a table. The first batch fixes it; later batches must fit it.</summary>
public sealed class TableSchema : IEquatable<TableSchema>
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>Creates a schema; column names must be non-empty and unique.</summary>
    public TableSchema(IEnumerable<ColumnSpec> columns)
    {
        Columns = columns.ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in Columns)
        {
            if (string.IsNullOrWhiteSpace(column.Name))
            {
                throw new InvalidSchemaException("A column name cannot be empty.");
            }

            if (!seen.Add(column.Name))
            {
                throw new InvalidSchemaException($"The column '{column.Name}' appears more than once.");
            }
        }
    }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>The column names, in order.</summary>
    public IEnumerable<string> ColumnNames => Columns.Select(c => c.Name);

    /// <summary>The position of a column, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The column called <paramref name="name"/>, or null.</summary>
    public ColumnSpec? Find(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? null : Columns[index];
    }

    /// <summary>The schema restricted to <paramref name="names"/>, in that order; unknown names throw.</summary>
    public TableSchema Project(IEnumerable<string> names)
    {
        var missing = new List<string>();
        var projected = new List<ColumnSpec>();
        foreach (var name in names)
        {
            var column = Find(name);
            if (column is null)
            {
                missing.Add(name);
            }
            else
            {
                projected.Add(column);
            }
        }

        if (missing.Count > 0)
        {
            throw new UnknownColumnException(missing, this);
        }

        return new TableSchema(projected);
    }

    /// <summary>Serialises the schema for the catalog.</summary>
    public string ToJson() => JsonSerializer.Serialize(Columns, s_json);

    /// <summary>Reads a schema written by <see cref="ToJson"/>.</summary>
    public static TableSchema FromJson(string json) =>
        new(JsonSerializer.Deserialize<ColumnSpec[]>(json, s_json) ?? []);

    /// <inheritdoc />
    public bool Equals(TableSchema? other) => other is not null && Columns.SequenceEqual(other.Columns);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TableSchema);

    /// <inheritdoc />
    public override int GetHashCode() => Columns.Aggregate(0, (hash, c) => HashCode.Combine(hash, c));

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Columns);
}
