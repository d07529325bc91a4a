namespace MlopsPS.Core.Tables;

/// <summary>
/// The simple wildcards of <c>Get-Table -Name</c>: <c>*</c> (any run of characters) and <c>?</c> (one
/// character), case-insensitive like table names. No character classes: table names cannot contain
/// brackets anyway.
/// </summary>
internal static class NamePattern
{
    public static bool IsMatch(string name, string pattern) => Match(name.AsSpan(), pattern.AsSpan());

    private static bool Match(ReadOnlySpan<char> name, ReadOnlySpan<char> pattern)
    {
        // Iterative glob with backtracking to the last '*': linear in practice, no recursion.
        int n = 0, p = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(name[n])))
            {
                n++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
