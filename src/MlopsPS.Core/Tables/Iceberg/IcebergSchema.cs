using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// How a table's columns are an Iceberg schema: column i (0-based) is field id i + 1, required unless
/// nullable, with the Iceberg primitive type below; the schema's id is 0 (a table's schema never changes).
/// <list type="table">
/// <item><term>Boolean</term><description>boolean</description></item>
/// <item><term>Int32</term><description>int</description></item>
/// <item><term>Int64</term><description>long</description></item>
/// <item><term>Float</term><description>float</description></item>
/// <item><term>Double</term><description>double</description></item>
/// <item><term>String</term><description>string</description></item>
/// <item><term>Timestamp</term><description>timestamptz (microseconds, UTC)</description></item>
/// </list>
/// Iceberg's <c>date</c> and <c>timestamp</c> (without zone) have no MlopsPS column type; a foreign table
/// using them is refused.
/// </summary>
internal static class IcebergSchema
{
    public const int SchemaId = 0;

    public static int FieldId(int column) => column + 1;

    public static string TypeName(ColumnType type) => type switch
    {
        ColumnType.Boolean => "boolean",
        ColumnType.Int32 => "int",
        ColumnType.Int64 => "long",
        ColumnType.Float => "float",
        ColumnType.Double => "double",
        ColumnType.String => "string",
        ColumnType.Timestamp => "timestamptz",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type."),
    };

    public static ColumnType? FromTypeName(string name) => name switch
    {
        "boolean" => ColumnType.Boolean,
        "int" => ColumnType.Int32,
        "long" => ColumnType.Int64,
        "float" => ColumnType.Float,
        "double" => ColumnType.Double,
        "string" => ColumnType.String,
        "timestamptz" => ColumnType.Timestamp,
        _ => null,
    };

    /// <summary>Writes the schema object (<c>{"type": "struct", "schema-id": 0, "fields": [...]}</c>).</summary>
    public static void Write(Utf8JsonWriter json, TableSchema schema)
    {
        json.WriteStartObject();
        json.WriteString("type", "struct");
        json.WriteNumber("schema-id", SchemaId);
        json.WriteStartArray("fields");
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var column = schema.Columns[i];
            json.WriteStartObject();
            json.WriteNumber("id", FieldId(i));
            json.WriteString("name", column.Name);
            json.WriteBoolean("required", !column.Nullable);
            json.WriteString("type", TypeName(column.Type));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The schema as a JSON string (the manifests' <c>schema</c> key, the Parquet files' <c>iceberg.schema</c>).</summary>
    public static string ToJson(TableSchema schema) => WriteToString(json => Write(json, schema));

    /// <summary>
    /// The table property <c>schema.name-mapping.default</c>: each field id with its column name, so that
    /// readers find the columns of files written without field ids (every file from before migration 0008).
    /// </summary>
    public static string NameMapping(TableSchema schema) => WriteToString(json =>
    {
        json.WriteStartArray();
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            json.WriteStartObject();
            json.WriteNumber("field-id", FieldId(i));
            json.WriteStartArray("names");
            json.WriteStringValue(schema.Columns[i].Name);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    });

    /// <summary>Reads a schema object; null with a reason when it is not one MlopsPS can hold.</summary>
    public static TableSchema Read(JsonElement schema, out string? problem)
    {
        problem = null;
        var columns = new List<ColumnSpec>();
        var position = 0;
        foreach (var field in schema.GetProperty("fields").EnumerateArray())
        {
            var id = field.GetProperty("id").GetInt32();
            var name = field.GetProperty("name").GetString() ?? "";
            var type = field.GetProperty("type");
            ColumnType? columnType = type.ValueKind == JsonValueKind.String ? FromTypeName(type.GetString()!) : null;
            if (columnType is null)
            {
                problem = $"column '{name}' has Iceberg type {type.GetRawText()}, which MlopsPS tables do not hold";
            }
            else if (id != FieldId(position))
            {
                problem = $"column '{name}' has field id {id}, expected {FieldId(position)}";
            }

            columns.Add(new ColumnSpec(name, columnType ?? ColumnType.String, !field.GetProperty("required").GetBoolean()));
            position++;
        }

        return new TableSchema(columns);
    }

    /// <summary>A value in Iceberg's single-value binary form (little-endian numbers, UTF-8 strings, microseconds).</summary>
    public static byte[] Bound(ColumnType type, object value)
    {
        switch (type)
        {
            case ColumnType.Boolean:
                return [(bool)value ? (byte)1 : (byte)0];
            case ColumnType.Int32:
                var i = new byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(i, (int)value);
                return i;
            case ColumnType.Int64:
                var l = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(l, (long)value);
                return l;
            case ColumnType.Timestamp:
                var t = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(t, (long)value); // already microseconds since the epoch
                return t;
            case ColumnType.Float:
                var f = new byte[4];
                BinaryPrimitives.WriteSingleLittleEndian(f, (float)value);
                return f;
            case ColumnType.Double:
                var d = new byte[8];
                BinaryPrimitives.WriteDoubleLittleEndian(d, (double)value);
                return d;
            case ColumnType.String:
                return Encoding.UTF8.GetBytes((string)value);
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown column type.");
        }
    }

    private static string WriteToString(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
