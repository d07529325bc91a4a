using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Infers one column's type from its text values: the first of Boolean, Int64, Double, Timestamp that every
/// non-empty value parses as (see <see cref="TextValues"/>), else String. Int64 before Double, so a column of whole
/// numbers stays integral; a single decimal anywhere makes it Double. A column with no value at all is a nullable
/// String (nothing says otherwise). Empty values make the column nullable.
/// </summary>
internal sealed class TextTypeInference
{
    private bool _canBeBoolean = true;
    private bool _canBeInt64 = true;
    private bool _canBeDouble = true;
    private bool _canBeTimestamp = true;
    private bool _sawValue;
    private bool _sawEmpty;

    public void Observe(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            _sawEmpty = true;
            return;
        }

        _sawValue = true;
        if (!(_canBeBoolean || _canBeInt64 || _canBeDouble || _canBeTimestamp))
        {
            return; // already a string: no more parsing
        }

        _canBeBoolean = _canBeBoolean && TextValues.TryParseBoolean(text, out _);
        _canBeInt64 = _canBeInt64 && TextValues.TryParseInt64(text, out _);
        _canBeDouble = _canBeDouble && (_canBeInt64 || TextValues.TryParseDouble(text, out _)); // an integer is a double
        _canBeTimestamp = _canBeTimestamp && TextValues.TryParseTimestamp(text, out _);
    }

    /// <summary>The inferred column; <paramref name="forceNullable"/> when unseen rows may still hold empty values.</summary>
    public ColumnSpec Result(string name, bool forceNullable)
    {
        var type = !_sawValue ? ColumnType.String
            : _canBeBoolean ? ColumnType.Boolean
            : _canBeInt64 ? ColumnType.Int64
            : _canBeDouble ? ColumnType.Double
            : _canBeTimestamp ? ColumnType.Timestamp
            : ColumnType.String;
        return new ColumnSpec(name, type, Nullable: _sawEmpty || !_sawValue || forceNullable);
    }
}
