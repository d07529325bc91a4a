namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// An Iceberg metadata file (metadata.json, manifest list or manifest) that cannot be read or used: hand-edited,
/// truncated, or describing something MlopsPS cannot take over. The table is left as it was.
/// </summary>
public sealed class InvalidTableMetadataException : MlopsException
{
    /// <summary>Creates the error for <paramref name="location"/>.</summary>
    public InvalidTableMetadataException(string location, string reason, Exception? inner = null)
        : base($"Cannot read the Iceberg metadata file '{location}': {reason}", MlopsErrorKind.InvalidData, inner)
    {
        Location = location;
    }

    /// <summary>The file that could not be read.</summary>
    public string Location { get; }
}
