namespace MlopsPS.Core.Common;

/// <summary>
/// PowerShell's name wildcards (<c>*</c>, <c>?</c>) as a SQLite <c>GLOB</c> pattern: the two mean the same there, and
/// a literal <c>[</c>, which opens a character class in GLOB, is escaped as <c>[[]</c>.
/// </summary>
internal static class SqlGlob
{
    public static string FromWildcard(string pattern) => pattern.Replace("[", "[[]", StringComparison.Ordinal);
}
