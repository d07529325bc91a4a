namespace MlopsPS.Core.Tables;

/// <summary>A schema is malformed: an empty or repeated column name, or no columns at all.</summary>
public sealed class InvalidSchemaException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public InvalidSchemaException(string message)
        : base(message, MlopsErrorKind.InvalidData)
    {
    }
}
