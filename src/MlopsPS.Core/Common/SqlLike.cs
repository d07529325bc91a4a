using System.Text;

namespace MlopsPS.Core.Common;

/// <summary>
/// PowerShell's name wildcards (<c>*</c>, <c>?</c>) as an SQL <c>LIKE</c> pattern whose escape character is a
/// backslash (PostgreSQL's default; SQLite needs <c>ESCAPE '\'</c>): LIKE's own <c>%</c>, <c>_</c> and the backslash
/// are escaped, so they match themselves as they do in a PowerShell pattern.
/// </summary>
internal static class SqlLike
{
    public static string FromWildcard(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 4);
        foreach (var c in pattern)
        {
            builder.Append(c switch
            {
                '*' => "%",
                '?' => "_",
                '%' => "\\%",
                '_' => "\\_",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }
}
