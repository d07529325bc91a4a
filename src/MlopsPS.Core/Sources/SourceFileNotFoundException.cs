namespace MlopsPS.Core.Sources;

/// <summary>A source file (CSV or Parquet) does not exist. Other I/O failures (permissions, locks) are not caught.</summary>
public sealed class SourceFileNotFoundException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public SourceFileNotFoundException(string path, Exception? inner = null)
        : base($"The source file '{path}' does not exist.", MlopsErrorKind.ObjectNotFound, inner)
    {
        Path = path;
    }

    /// <summary>The path that was asked for.</summary>
    public string Path { get; }
}
