namespace MlopsPS.Core.Sources;

/// <summary>
/// Reuses one string instance per distinct value of a column while there are few distinct values, so a categorical
/// column of a million rows (a manufacturer, a currency) holds a handful of strings instead of a million copies.
/// Stops adding after <see cref="MaxEntries"/> values, when the column is evidently not categorical.
/// </summary>
internal sealed class StringPool
{
    public const int MaxEntries = 1_024;

    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public StringPool()
    {
        _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<char> text)
    {
        if (_lookup.TryGetValue(text, out var existing))
        {
            return existing;
        }

        var value = new string(text);
        if (_strings.Count < MaxEntries)
        {
            _strings.Add(value);
        }

        return value;
    }
}
