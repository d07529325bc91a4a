namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// Where a table's Iceberg files live and how they are named. Iceberg metadata holds absolute locations, so
/// every file is named by a <c>file://</c> URI (<c>file:///store/tables/telco/metadata/v3.metadata.json</c>);
/// moving a store means rewriting them. The data files stay where MlopsPS always wrote them, in the table's
/// folder; the metadata files go into its <c>metadata/</c> folder, as Iceberg lays a table out.
/// </summary>
internal static class IcebergLocation
{
    public const string MetadataFolder = "metadata";

    public const string VersionHintFile = "version-hint.text";

    private const string Scheme = "file://";

    /// <summary>The URI of a local absolute path.</summary>
    public static string ToUri(string fullPath)
    {
        var path = Path.GetFullPath(fullPath).Replace('\\', '/');
        return Scheme + (path.StartsWith('/') ? path : "/" + path);
    }

    /// <summary>The local path a <c>file:</c> URI (or a plain absolute path) names.</summary>
    public static string ToLocalPath(string location)
    {
        string path;
        if (location.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            path = location[Scheme.Length..];
        }
        else if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            // Hadoop's form, file:/path.
            path = location["file:".Length..];
        }
        else if (Path.IsPathRooted(location))
        {
            path = location;
        }
        else
        {
            throw new InvalidTableMetadataException(location, "only local files (file:// locations) can be read by MlopsPS.");
        }

        // file:///C:/x on Windows.
        if (path.Length > 2 && path[0] == '/' && path[2] == ':')
        {
            path = path[1..];
        }

        return path.Replace('/', Path.DirectorySeparatorChar);
    }

    /// <summary>The table's location: its folder in the store.</summary>
    public static string TableLocation(string storeRoot, string tableName) =>
        ToUri(TableFolders.FullPath(storeRoot, TableFolders.RelativeFolder(tableName)));

    /// <summary>The table's metadata folder (absolute path).</summary>
    public static string MetadataDirectory(string storeRoot, string tableName) =>
        Path.Combine(TableFolders.FullPath(storeRoot, TableFolders.RelativeFolder(tableName)), MetadataFolder);

    public static string MetadataFileName(long version) => $"v{version}.metadata.json";

    /// <summary>
    /// The version a metadata file's name carries: <c>v3.metadata.json</c> (Hadoop tables, ours) or
    /// <c>00003-&lt;uuid&gt;.metadata.json</c> (catalog tables written by Java and PyIceberg); 0 when it has none.
    /// </summary>
    public static long VersionOf(string? location)
    {
        if (location is null)
        {
            return 0;
        }

        var name = location[(location.LastIndexOfAny(['/', '\\']) + 1)..];
        var start = name.StartsWith('v') ? 1 : 0;
        var end = start;
        while (end < name.Length && char.IsAsciiDigit(name[end]))
        {
            end++;
        }

        return end > start && long.TryParse(name.AsSpan(start, end - start), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? version
            : 0;
    }

    /// <summary>A new manifest's file name, as Java names them.</summary>
    public static string NewManifestName() => $"{Guid.NewGuid():N}-m0.avro";

    /// <summary>A snapshot's manifest list file name, as Java names them.</summary>
    public static string NewManifestListName(long snapshotId) =>
        $"snap-{snapshotId.ToString(System.Globalization.CultureInfo.InvariantCulture)}-1-{Guid.NewGuid():N}.avro";
}
