using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace MlopsPS.Core.Serving.Protocol;

/// <summary>A parsed scoring request: the rows in model column order, and what the caller asked for.</summary>
public sealed class ScoringInput
{
    internal ScoringInput()
    {
    }

    /// <summary>Row-major values, <see cref="Rows"/> x the model's column count, in the model's column order. NaN = missing.</summary>
    public float[] Values { get; internal set; } = [];

    /// <summary>Number of rows (at least one).</summary>
    public int Rows { get; internal set; }

    /// <summary>Whether the caller asked for probabilities (<c>"params": {"predict_proba": true}</c>).</summary>
    public bool PredictProba { get; internal set; }

    /// <summary>Whether the caller asked for SHAP feature contributions (<c>"params": {"explain": true}</c>).</summary>
    public bool Explain { get; internal set; }

    /// <summary>The <c>accessKey</c> of the original platform's wrapper, if the request came wrapped.</summary>
    public string? AccessKey { get; internal set; }

    /// <summary>Whether the request came in the wrapper <c>{"accessKey": ..., "request": {...}}</c>; the answer is wrapped too.</summary>
    public bool Wrapped { get; internal set; }
}

/// <summary>
/// Parses MLflow's scoring requests straight into a row-major float matrix in the model's column order, with
/// <see cref="Utf8JsonReader"/> over the request bytes: no DOM, no DataFrame, no string per value.
/// </summary>
/// <remarks>
/// <para>Accepted, as MLflow's scoring server: a JSON object with exactly one of <c>dataframe_split</c>
/// (<c>{"columns": [...], "data": [[...]], "index": [...]}</c>, keys in any order), <c>dataframe_records</c> (a list
/// of row objects), <c>instances</c> or <c>inputs</c> (a list of row objects, a list of rows in model column order,
/// or an object of column -&gt; list of values or single value), plus an optional <c>params</c> object
/// (<c>predict_proba</c> and <c>explain</c> are ours; other keys are ignored, as MLflow passes them to a model that
/// may not use them); CSV with a header row. The original platform's wrapper <c>{"accessKey": ..., "request": {...}}</c> is unwrapped.</para>
/// <para>Values: JSON numbers (converted to 32-bit floats as pandas + XGBoost do: through a double); <c>null</c> (or an
/// empty CSV field) is a missing value, which XGBoost routes down each split's default branch. Strings, booleans,
/// nested values, and anything not finite as a 32-bit float are refused. Every column of the model must be present,
/// and no other column may be.</para>
/// <para>Every refusal is a <see cref="ScoringProtocolException"/> with status 400 and MLflow's BAD_REQUEST code.</para>
/// </remarks>
public static class ScoringRequestParser
{
    private const string FormatList = "dataframe_split, dataframe_records, instances, inputs";
    private const int MaxDepth = 16;

    /// <summary>Parses a JSON request body.</summary>
    public static ScoringInput ParseJson(ReadOnlySequence<byte> body, ScoringSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var input = new ScoringInput();
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Bad($"The request body must be a JSON object with exactly one of the keys {FormatList} (and optionally params).");
            }

            ParsePayload(ref reader, schema, input, topLevel: true);
            if (reader.Read())
            {
                throw Bad("Unexpected content after the JSON object.");
            }
        }
        catch (JsonException e)
        {
            throw Bad("The request body is not valid JSON: " + e.Message);
        }
        catch (InvalidOperationException e)
        {
            // A token of an unexpected kind that slipped past a check; still the caller's input, still a 400.
            throw Bad("The request body does not have the expected shape: " + e.Message);
        }

        return input;
    }

    /// <inheritdoc cref="ParseJson(ReadOnlySequence{byte}, ScoringSchema)"/>
    public static ScoringInput ParseJson(ReadOnlySpan<byte> body, ScoringSchema schema) =>
        ParseJson(new ReadOnlySequence<byte>(body.ToArray()), schema);

    /// <summary>Parses a CSV request body: a header row of column names, then one row per line.</summary>
    public static ScoringInput ParseCsv(ReadOnlySequence<byte> body, ScoringSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var bytes = body.IsSingleSegment ? body.FirstSpan : body.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw Bad("The CSV body is not valid UTF-8.");
        }

        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }

        var lines = new CsvLines(bytes);
        var header = new List<string>();
        if (!lines.Next(out var headerLine))
        {
            throw Bad("The CSV body is empty: it needs a header row and at least one data row.");
        }

        foreach (var field in SplitCsv(headerLine))
        {
            header.Add(Encoding.UTF8.GetString(field).Trim());
        }

        var map = MapColumns(header, schema, "CSV header");
        var width = header.Count;
        var values = new FloatBuilder(width * 16);
        var rows = 0;
        while (lines.Next(out var line))
        {
            var count = 0;
            foreach (var field in SplitCsv(line))
            {
                if (count >= width)
                {
                    throw Bad($"CSV row {rows + 1} has more than the header's {width} fields.");
                }

                values.Add(ParseCsvValue(field, rows, header[count]));
                count++;
            }

            if (count != width)
            {
                throw Bad($"CSV row {rows + 1} has {count} fields; the header has {width}.");
            }

            rows++;
        }

        return new ScoringInput { Values = Arrange(values, rows, map), Rows = rows };
    }

    private static void ParsePayload(ref Utf8JsonReader reader, ScoringSchema schema, ScoringInput input, bool topLevel)
    {
        string? format = null;
        var wrapped = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("dataframe_split"u8))
            {
                Claim(ref format, "dataframe_split");
                reader.Read();
                ParseSplit(ref reader, schema, input);
            }
            else if (reader.ValueTextEquals("dataframe_records"u8))
            {
                Claim(ref format, "dataframe_records");
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Bad("dataframe_records must be a list of row objects such as {\"column\": value}.");
                }

                ParseRowList(ref reader, schema, input, "dataframe_records", allowPositional: false);
            }
            else if (reader.ValueTextEquals("instances"u8) || reader.ValueTextEquals("inputs"u8))
            {
                var name = reader.ValueTextEquals("inputs"u8) ? "inputs" : "instances";
                Claim(ref format, name);
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ParseRowList(ref reader, schema, input, name, allowPositional: true);
                }
                else if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ParseColumnar(ref reader, schema, input, name);
                }
                else
                {
                    throw Bad($"{name} must be a list of rows or an object of column -> values.");
                }
            }
            else if (reader.ValueTextEquals("params"u8))
            {
                reader.Read();
                ParseParams(ref reader, input);
            }
            else if (topLevel && reader.ValueTextEquals("request"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw Bad("request must be a JSON object such as {\"dataframe_split\": {...}}.");
                }

                wrapped = true;
                ParsePayload(ref reader, schema, input, topLevel: false);
            }
            else if (topLevel && reader.ValueTextEquals("accessKey"u8))
            {
                reader.Read();
                input.AccessKey = reader.TokenType switch
                {
                    JsonTokenType.String => reader.GetString(),
                    JsonTokenType.Null => null,
                    _ => throw Bad("accessKey must be a string."),
                };
            }
            else
            {
                throw Bad($"Unknown key '{reader.GetString()}'. The request must have exactly one of {FormatList}, and optionally params.");
            }
        }

        if (wrapped)
        {
            if (format is not null)
            {
                throw Bad($"A wrapped request carries its input inside 'request', not beside it ('{format}').");
            }

            input.Wrapped = true;
            return;
        }

        if (format is null)
        {
            throw Bad($"The request has none of the keys {FormatList}; it needs exactly one.");
        }
    }

    private static void Claim(ref string? format, string name)
    {
        if (format is not null)
        {
            throw Bad($"The request has both '{format}' and '{name}'; it needs exactly one of {FormatList}.");
        }

        format = name;
    }

    private static void ParseParams(ref Utf8JsonReader reader, ScoringInput input)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad("params must be a JSON object, such as {\"predict_proba\": true}.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("predict_proba"u8))
            {
                reader.Read();
                input.PredictProba = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False or JsonTokenType.Null => false,
                    _ => throw Bad("params.predict_proba must be true or false."),
                };
            }
            else if (reader.ValueTextEquals("explain"u8))
            {
                reader.Read();
                input.Explain = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False or JsonTokenType.Null => false,
                    _ => throw Bad("params.explain must be true or false."),
                };
            }
            else
            {
                // MLflow passes unknown params to the model, which ignores what it does not use.
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ParseSplit(ref Utf8JsonReader reader, ScoringSchema schema, ScoringInput input)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Bad("dataframe_split must be an object such as {\"columns\": [...], \"data\": [[...]]}.");
        }

        var features = schema.Features.Count;
        int[]? map = null;
        List<string>? extra = null;
        var columnCount = 0;
        FloatBuilder? data = null;
        var rows = 0;
        var width = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("columns"u8))
            {
                if (map is not null)
                {
                    throw Bad("dataframe_split has 'columns' twice.");
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Bad("dataframe_split.columns must be a list of column names.");
                }

                map = new int[Math.Max(features, 4)];
                var seen = new bool[features];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Bad("dataframe_split.columns must be a list of strings.");
                    }

                    var index = schema.IndexOf(ref reader, columnCount);
                    if (index < 0)
                    {
                        (extra ??= []).Add(reader.GetString()!);
                    }
                    else if (seen[index])
                    {
                        throw Bad($"Column '{schema.Features[index]}' appears twice in dataframe_split.columns.");
                    }
                    else
                    {
                        seen[index] = true;
                    }

                    if (columnCount == map.Length)
                    {
                        Array.Resize(ref map, map.Length * 2);
                    }

                    map[columnCount++] = index;
                }

                ThrowIfColumnsMismatch(seen, extra, schema, "dataframe_split.columns");
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                if (data is not null)
                {
                    throw Bad("dataframe_split has 'data' twice.");
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw Bad("dataframe_split.data must be a list of rows, each a list of values.");
                }

                data = new FloatBuilder(features);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw Bad($"dataframe_split.data row {rows} is not a list of values.");
                    }

                    var count = 0;
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        data.Add(ReadValue(ref reader, rows, count, null));
                        count++;
                    }

                    if (width < 0)
                    {
                        width = count;
                    }
                    else if (count != width)
                    {
                        throw Bad($"dataframe_split.data row {rows} has {count} values; row 0 has {width}.");
                    }

                    rows++;
                }
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                reader.Skip();
            }
            else
            {
                throw Bad($"Unknown key '{reader.GetString()}' in dataframe_split; it takes columns, data and index.");
            }
        }

        if (map is null)
        {
            throw Bad("dataframe_split needs 'columns', the names of the values in each row.");
        }

        if (data is null || rows == 0)
        {
            throw Empty();
        }

        if (width != columnCount)
        {
            throw Bad($"dataframe_split.data rows have {width} values but there are {columnCount} columns.");
        }

        input.Values = Arrange(data, rows, map.AsSpan(0, columnCount).ToArray());
        input.Rows = rows;
    }

    // A list of rows: objects (records) and, where allowed, lists of values in model column order. All rows of one
    // request have the same form.
    private static void ParseRowList(ref Utf8JsonReader reader, ScoringSchema schema, ScoringInput input, string name, bool allowPositional)
    {
        var features = schema.Features.Count;
        var values = new FloatBuilder(features);
        var seen = new bool[features];
        var rows = 0;
        var form = JsonTokenType.None;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (form == JsonTokenType.None)
            {
                form = reader.TokenType;
            }

            if (reader.TokenType != form || (form != JsonTokenType.StartObject && !(allowPositional && form == JsonTokenType.StartArray)))
            {
                throw Bad(allowPositional
                    ? $"{name} must be a list of row objects or a list of rows (lists of values); row {rows} is neither or differs from row 0."
                    : $"{name} must be a list of row objects; row {rows} is not an object.");
            }

            var start = values.Count;
            values.AddMissing(features);
            if (form == JsonTokenType.StartArray)
            {
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (count >= features)
                    {
                        throw Bad($"{name} row {rows} has more than the model's {features} values ({string.Join(", ", schema.Features)}).");
                    }

                    values[start + count] = ReadValue(ref reader, rows, count, schema.Features[count]);
                    count++;
                }

                if (count != features)
                {
                    throw Bad($"{name} row {rows} has {count} values; the model expects {features} ({string.Join(", ", schema.Features)}).");
                }
            }
            else
            {
                Array.Clear(seen);
                var hint = 0;
                List<string>? extra = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var index = schema.IndexOf(ref reader, hint);
                    if (index < 0)
                    {
                        (extra ??= []).Add(reader.GetString()!);
                        reader.Read();
                        reader.Skip();
                        continue;
                    }

                    if (seen[index])
                    {
                        throw Bad($"{name} row {rows} has column '{schema.Features[index]}' twice.");
                    }

                    seen[index] = true;
                    reader.Read();
                    values[start + index] = ReadValue(ref reader, rows, index, schema.Features[index]);
                    hint = index + 1;
                }

                ThrowIfColumnsMismatch(seen, extra, schema, $"{name} row {rows}");
            }

            rows++;
        }

        if (rows == 0)
        {
            throw Empty();
        }

        input.Values = values.ToArray();
        input.Rows = rows;
    }

    // {"column": [values...] or value, ...}: one list per column, all of one length.
    private static void ParseColumnar(ref Utf8JsonReader reader, ScoringSchema schema, ScoringInput input, string name)
    {
        var features = schema.Features.Count;
        var columns = new float[features][];
        List<string>? extra = null;
        var hint = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var index = schema.IndexOf(ref reader, hint);
            if (index < 0)
            {
                (extra ??= []).Add(reader.GetString()!);
                reader.Read();
                reader.Skip();
                continue;
            }

            if (columns[index] is not null)
            {
                throw Bad($"{name} has column '{schema.Features[index]}' twice.");
            }

            hint = index + 1;
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                var column = new FloatBuilder(16);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    column.Add(ReadValue(ref reader, column.Count, index, schema.Features[index]));
                }

                columns[index] = column.ToArray();
            }
            else
            {
                columns[index] = [ReadValue(ref reader, 0, index, schema.Features[index])];
            }
        }

        var missing = Enumerable.Range(0, features).Where(i => columns[i] is null).Select(i => schema.Features[i]).ToList();
        if (missing.Count > 0 || extra is not null)
        {
            throw ColumnMismatch(missing, extra, schema, name);
        }

        var rows = columns[0].Length;
        for (var c = 1; c < features; c++)
        {
            if (columns[c].Length != rows)
            {
                throw Bad($"{name} column '{schema.Features[c]}' has {columns[c].Length} values; '{schema.Features[0]}' has {rows}.");
            }
        }

        if (rows == 0)
        {
            throw Empty();
        }

        var values = new float[checked(rows * features)];
        for (var c = 0; c < features; c++)
        {
            var column = columns[c];
            for (var r = 0; r < rows; r++)
            {
                values[(r * features) + c] = column[r];
            }
        }

        input.Values = values;
        input.Rows = rows;
    }

    private static float ReadValue(ref Utf8JsonReader reader, int row, int column, string? columnName)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out var number))
                {
                    throw Bad($"The value at row {row}, {Describe(column, columnName)} is not a representable number.");
                }

                // Through a double, as JSON -> pandas (float64) -> XGBoost (float32) converts.
                var value = (float)number;
                if (!float.IsFinite(value))
                {
                    throw Bad($"The value at row {row}, {Describe(column, columnName)} is not finite as a 32-bit float.");
                }

                return value;
            case JsonTokenType.Null:
                return float.NaN;
            case JsonTokenType.String:
                throw Bad($"The value at row {row}, {Describe(column, columnName)} is a string ({Truncate(reader.GetString())}); numbers are required. Use null for a missing value.");
            case JsonTokenType.True or JsonTokenType.False:
                throw Bad($"The value at row {row}, {Describe(column, columnName)} is a boolean; numbers are required.");
            default:
                throw Bad($"The value at row {row}, {Describe(column, columnName)} is a nested {(reader.TokenType == JsonTokenType.StartArray ? "list" : "object")}; numbers are required.");
        }
    }

    private static float ParseCsvValue(ReadOnlySpan<byte> field, int row, string column)
    {
        field = Trim(field);
        if (field.Length >= 2 && field[0] == (byte)'"' && field[^1] == (byte)'"')
        {
            field = Trim(field[1..^1]);
        }

        if (field.IsEmpty)
        {
            return float.NaN;
        }

        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            throw Bad($"The CSV value at row {row}, column '{column}' ({Truncate(Encoding.UTF8.GetString(field))}) is not a number.");
        }

        var value = (float)number;
        if (!float.IsFinite(value))
        {
            throw Bad($"The CSV value at row {row}, column '{column}' is not finite as a 32-bit float.");
        }

        return value;
    }

    private static int[] MapColumns(IReadOnlyList<string> names, ScoringSchema schema, string where)
    {
        var seen = new bool[schema.Features.Count];
        var map = new int[names.Count];
        List<string>? extra = null;
        for (var c = 0; c < names.Count; c++)
        {
            var name = names[c].Length >= 2 && names[c][0] == '"' && names[c][^1] == '"' ? names[c][1..^1] : names[c];
            var index = schema.IndexOf(name);
            if (index < 0)
            {
                (extra ??= []).Add(name);
                continue;
            }

            if (seen[index])
            {
                throw Bad($"Column '{name}' appears twice in the {where}.");
            }

            seen[index] = true;
            map[c] = index;
        }

        ThrowIfColumnsMismatch(seen, extra, schema, where);

        return map;
    }

    // Values arrive in request column order; the model reads its own order. map[c] is the model index of request
    // column c (a permutation: missing and extra columns were refused).
    private static float[] Arrange(FloatBuilder values, int rows, int[] map)
    {
        if (rows == 0)
        {
            throw Empty();
        }

        var width = map.Length;
        var identity = true;
        for (var c = 0; c < width && identity; c++)
        {
            identity = map[c] == c;
        }

        if (identity)
        {
            return values.ToArray();
        }

        var source = values.Span;
        var result = new float[checked(rows * width)];
        for (var r = 0; r < rows; r++)
        {
            var offset = r * width;
            for (var c = 0; c < width; c++)
            {
                result[offset + map[c]] = source[offset + c];
            }
        }

        return result;
    }

    // Allocates only for a request it refuses: every column of the schema seen, and none besides, is the common case.
    private static void ThrowIfColumnsMismatch(bool[] seen, List<string>? extra, ScoringSchema schema, string where)
    {
        if (extra is not null || Array.IndexOf(seen, false) >= 0)
        {
            throw ColumnMismatch(MissingColumns(seen, schema), extra, schema, where);
        }
    }

    private static List<string> MissingColumns(bool[] seen, ScoringSchema schema)
    {
        var missing = new List<string>();
        for (var i = 0; i < seen.Length; i++)
        {
            if (!seen[i])
            {
                missing.Add(schema.Features[i]);
            }
        }

        return missing;
    }

    private static ScoringProtocolException ColumnMismatch(List<string> missing, List<string>? extra, ScoringSchema schema, string where)
    {
        var message = new StringBuilder(where).Append(" does not match the model's input columns.");
        if (missing.Count > 0)
        {
            message.Append(" Missing: ").AppendJoin(", ", missing).Append('.');
        }

        if (extra is not null)
        {
            message.Append(" Not in the model: ").AppendJoin(", ", extra).Append('.');
        }

        message.Append(" The model expects: ").AppendJoin(", ", schema.Features).Append('.');
        return Bad(message.ToString());
    }

    private static string Describe(int column, string? name) =>
        name is null ? $"column {column}" : $"column '{name}'";

    private static string Truncate(string? text) =>
        text is null ? "null" : "\"" + (text.Length > 40 ? text[..40] + "..." : text) + "\"";

    private static ScoringProtocolException Empty() => Bad("The request has no rows to score.");

    private static ScoringProtocolException Bad(string message) => ScoringProtocolException.BadRequest(message);

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> span)
    {
        var start = 0;
        var end = span.Length;
        while (start < end && (span[start] == (byte)' ' || span[start] == (byte)'\t'))
        {
            start++;
        }

        while (end > start && (span[end - 1] == (byte)' ' || span[end - 1] == (byte)'\t' || span[end - 1] == (byte)'\r'))
        {
            end--;
        }

        return span[start..end];
    }

    // The fields of one CSV line; a field in double quotes may hold commas (quotes are kept; values unquote them).
    private static List<byte[]> SplitCsv(ReadOnlySpan<byte> line)
    {
        var fields = new List<byte[]>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (b == (byte)'"')
            {
                quoted = !quoted;
            }
            else if (b == (byte)',' && !quoted)
            {
                fields.Add(line[start..i].ToArray());
                start = i + 1;
            }
        }

        fields.Add(line[start..].ToArray());
        return fields;
    }

    // Lines of a CSV body, skipping blank ones.
    private ref struct CsvLines(ReadOnlySpan<byte> text)
    {
        private ReadOnlySpan<byte> _rest = text;

        public bool Next(out ReadOnlySpan<byte> line)
        {
            while (!_rest.IsEmpty)
            {
                var end = _rest.IndexOf((byte)'\n');
                line = end < 0 ? _rest : _rest[..end];
                _rest = end < 0 ? default : _rest[(end + 1)..];
                if (!Trim(line).IsEmpty)
                {
                    return true;
                }
            }

            line = default;
            return false;
        }
    }

    // A growable float array. Small requests (one row) allocate just what they need.
    private sealed class FloatBuilder(int capacity)
    {
        private float[] _items = new float[Math.Max(capacity, 4)];

        public int Count { get; private set; }

        public Span<float> Span => _items.AsSpan(0, Count);

        public float this[int index]
        {
            set => _items[index] = value;
        }

        public void Add(float value)
        {
            if (Count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }

            _items[Count++] = value;
        }

        public void AddMissing(int count)
        {
            if (Count + count > _items.Length)
            {
                Array.Resize(ref _items, Math.Max(_items.Length * 2, Count + count));
            }

            _items.AsSpan(Count, count).Fill(float.NaN);
            Count += count;
        }

        public float[] ToArray() => Count == _items.Length ? _items : _items.AsSpan(0, Count).ToArray();
    }
}
