namespace MlopsPS.Core.Tables;

/// <summary>
/// A data file the catalog references cannot be read (deleted by hand, or unreadable). The catalog is fine; the
/// file is the problem.
/// </summary>
public sealed class DataFileUnavailableException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public DataFileUnavailableException(string path, Exception inner)
        : base($"Cannot read data file '{path}': {inner.Message}", MlopsErrorKind.ResourceUnavailable, inner)
    {
        Path = path;
    }

    /// <summary>The file, relative to the store.</summary>
    public string Path { get; }
}
