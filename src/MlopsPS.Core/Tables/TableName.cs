namespace MlopsPS.Core.Tables;

/// <summary>
/// Table names. A name becomes a folder under the store's <c>tables/</c>, so it must not be able to escape or
/// alias that folder: only <c>[A-Za-z0-9_.-]</c>, no leading dot (hidden files, <c>.</c>, <c>..</c>), no
/// <c>..</c> anywhere, no empty namespace parts. Names compare case-insensitively, as folders do on Windows and
/// macOS.
/// </summary>
public static class TableName
{
    /// <summary>The longest name accepted; keeps paths well under every platform's limit.</summary>
    public const int MaxLength = 128;

    /// <summary>How names are compared.</summary>
    public static StringComparer Comparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>Returns <paramref name="name"/> if it is valid; otherwise throws <see cref="InvalidTableNameException"/>.</summary>
    public static string Validate(string? name)
    {
        var reason = Check(name);
        return reason is null ? name! : throw new InvalidTableNameException(name, reason);
    }

    /// <summary>Whether <paramref name="name"/> is a valid table name.</summary>
    public static bool IsValid(string? name) => Check(name) is null;

    private static string? Check(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "it is empty.";
        }

        if (name.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters.";
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
            {
                return c is '/' or '\\' ? "it contains a path separator." : $"it contains '{c}'.";
            }
        }

        if (name[0] == '.')
        {
            return "it starts with a dot.";
        }

        if (name.Contains("..", StringComparison.Ordinal))
        {
            return "it contains '..'.";
        }

        if (name[^1] == '.')
        {
            // Windows drops a trailing dot from folder names: 'a.' and 'a' would share a folder.
            return "it ends with a dot.";
        }

        // In the Iceberg catalog a name without a dot is in namespace 'default' (Iceberg.IcebergCatalogSchema), so
        // 'default.x' would be the same Iceberg table as 'x' under another MlopsPS name.
        var dot = name.LastIndexOf('.');
        if (dot > 0 && name.AsSpan(0, dot).Equals("default", StringComparison.OrdinalIgnoreCase))
        {
            return $"its namespace 'default' is where a name without one goes already: call the table '{name[(dot + 1)..]}'.";
        }

        return null;
    }
}
