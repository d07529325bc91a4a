namespace MlopsPS.Core.Tables;

/// <summary>A table name is empty or could escape the table's folder (separators, <c>..</c>, odd characters).</summary>
public sealed class InvalidTableNameException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public InvalidTableNameException(string? name, string reason)
        : base($"'{name}' is not a valid table name: {reason} Use letters, digits, '_', '-' and '.' (as in 'namespace.table').", MlopsErrorKind.InvalidArgument)
    {
        Name = name;
    }

    /// <summary>The refused name.</summary>
    public string? Name { get; }
}
