namespace MlopsPS.Core.Tables;

/// <summary>Where a table's data files live: <c>tables/&lt;name&gt;/</c> in the store.</summary>
internal static class TableFolders
{
    public const string Root = "tables";

    public static string RelativeFolder(string tableName) => $"{Root}/{tableName}";

    /// <summary>An absolute path in the store for a catalog path ('/'-separated, relative to the store).</summary>
    public static string FullPath(string storeRoot, string relativePath) =>
        Path.Combine(storeRoot, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The catalog form of a path inside the store.</summary>
    public static string RelativePath(string storeRoot, string fullPath) =>
        Path.GetRelativePath(storeRoot, fullPath).Replace(Path.DirectorySeparatorChar, '/');
}
