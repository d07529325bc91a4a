using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Finds a source column (a CSV header, a PowerShell property) in a target schema: the exact name first, else the
/// one schema column whose name matches ignoring case. PowerShell property names are case-insensitive and users type
/// <c>Id</c> for <c>id</c>; schema names stay case-sensitive, so when two schema columns differ only in case the
/// name must match exactly.
/// </summary>
internal sealed class ColumnNameLookup
{
    private readonly Dictionary<string, int> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _ignoringCase = new(StringComparer.OrdinalIgnoreCase);

    public ColumnNameLookup(TableSchema schema)
    {
        var ambiguous = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < schema.Columns.Count; i++)
        {
            var name = schema.Columns[i].Name;
            _exact[name] = i;
            if (!_ignoringCase.TryAdd(name, i))
            {
                ambiguous.Add(name);
            }
        }

        foreach (var name in ambiguous)
        {
            _ignoringCase.Remove(name);
        }
    }

    /// <summary>The schema position of <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) =>
        _exact.TryGetValue(name, out var index) ? index
        : _ignoringCase.TryGetValue(name, out index) ? index
        : -1;
}
