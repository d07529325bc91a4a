namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// What a data file's manifest entry says about one column, gathered from the arrays while they are written
/// (the file is never read back): values (nulls included), nulls, NaNs, the bytes of its column chunks, and
/// the smallest and largest value. Strings longer than <see cref="StringBoundLength"/> characters get a
/// truncated lower bound and no upper bound, as Iceberg's default <c>truncate(16)</c> metrics mode allows.
/// </summary>
internal sealed class ColumnStatistics
{
    public const int StringBoundLength = 16;

    private readonly ColumnType _type;
    private long _minInteger = long.MaxValue;
    private long _maxInteger = long.MinValue;
    private double _minReal = double.PositiveInfinity;
    private double _maxReal = double.NegativeInfinity;
    private string? _minString;
    private string? _maxString;
    private bool _any;

    public ColumnStatistics(ColumnType type)
    {
        _type = type;
    }

    public long ValueCount { get; private set; }

    public long NullCount { get; private set; }

    public long NanCount { get; private set; }

    public long Size { get; set; }

    /// <summary>Whether NaN counts apply (floating-point columns).</summary>
    public bool IsFloatingPoint => _type is ColumnType.Float or ColumnType.Double;

    /// <summary>Adds <paramref name="count"/> values of <paramref name="values"/> from <paramref name="offset"/>.</summary>
    public void Add(Array values, int offset, int count)
    {
        ValueCount += count;
        switch (values)
        {
            case bool[] v: foreach (var x in v.AsSpan(offset, count)) { Integer(x ? 1 : 0); } break;
            case bool?[] v: foreach (var x in v.AsSpan(offset, count)) { if (x is { } y) { Integer(y ? 1 : 0); } else { NullCount++; } } break;
            case int[] v: foreach (var x in v.AsSpan(offset, count)) { Integer(x); } break;
            case int?[] v: foreach (var x in v.AsSpan(offset, count)) { if (x is { } y) { Integer(y); } else { NullCount++; } } break;
            case long[] v: foreach (var x in v.AsSpan(offset, count)) { Integer(x); } break;
            case long?[] v: foreach (var x in v.AsSpan(offset, count)) { if (x is { } y) { Integer(y); } else { NullCount++; } } break;
            case float[] v: foreach (var x in v.AsSpan(offset, count)) { Real(x); } break;
            case float?[] v: foreach (var x in v.AsSpan(offset, count)) { if (x is { } y) { Real(y); } else { NullCount++; } } break;
            case double[] v: foreach (var x in v.AsSpan(offset, count)) { Real(x); } break;
            case double?[] v: foreach (var x in v.AsSpan(offset, count)) { if (x is { } y) { Real(y); } else { NullCount++; } } break;
            case DateTime[] v: foreach (var x in v.AsSpan(offset, count)) { Integer(Micros(x)); } break;
            case DateTime?[] v: foreach (var x in v.AsSpan(offset, count)) { if (x is { } y) { Integer(Micros(y)); } else { NullCount++; } } break;
            case string?[] v:
                foreach (var x in v.AsSpan(offset, count))
                {
                    if (x is null)
                    {
                        NullCount++;
                    }
                    else
                    {
                        if (_minString is null || string.CompareOrdinal(x, _minString) < 0)
                        {
                            _minString = x;
                        }

                        if (_maxString is null || string.CompareOrdinal(x, _maxString) > 0)
                        {
                            _maxString = x;
                        }
                    }
                }

                break;
            default:
                throw new ArgumentException($"Unexpected column array {values.GetType().Name}.", nameof(values));
        }
    }

    /// <summary>The lower bound in Iceberg's single-value form, or null when the column had no (non-NaN) value.</summary>
    public byte[]? LowerBound() => _type switch
    {
        ColumnType.String => _minString is null ? null : IcebergSchema.Bound(_type, Truncate(_minString)),
        _ => Bound(min: true),
    };

    /// <summary>The upper bound in Iceberg's single-value form, or null.</summary>
    public byte[]? UpperBound() => _type switch
    {
        ColumnType.String => _maxString is null || _maxString.Length > StringBoundLength ? null : IcebergSchema.Bound(_type, _maxString),
        _ => Bound(min: false),
    };

    /// <summary>Microseconds since the epoch, UTC, as the Parquet file stores a timestamp.</summary>
    public static long Micros(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;
    }

    private byte[]? Bound(bool min)
    {
        if (!_any)
        {
            return null;
        }

        object value = _type switch
        {
            ColumnType.Boolean => (min ? _minInteger : _maxInteger) != 0,
            ColumnType.Int32 => (int)(min ? _minInteger : _maxInteger),
            ColumnType.Int64 or ColumnType.Timestamp => min ? _minInteger : _maxInteger,
            ColumnType.Float => (float)(min ? _minReal : _maxReal),
            ColumnType.Double => min ? _minReal : _maxReal,
            _ => throw new InvalidOperationException($"No bound for {_type}."),
        };
        return IcebergSchema.Bound(_type, value);
    }

    private void Integer(long value)
    {
        _any = true;
        if (value < _minInteger)
        {
            _minInteger = value;
        }

        if (value > _maxInteger)
        {
            _maxInteger = value;
        }
    }

    private void Real(double value)
    {
        if (double.IsNaN(value))
        {
            NanCount++;
            return;
        }

        _any = true;
        if (value < _minReal)
        {
            _minReal = value;
        }

        if (value > _maxReal)
        {
            _maxReal = value;
        }
    }

    private static string Truncate(string value)
    {
        if (value.Length <= StringBoundLength)
        {
            return value;
        }

        // Never cut a surrogate pair in half: a prefix is always a valid lower bound.
        var length = char.IsHighSurrogate(value[StringBoundLength - 1]) ? StringBoundLength - 1 : StringBoundLength;
        return value[..length];
    }
}
