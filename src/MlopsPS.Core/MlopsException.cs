namespace MlopsPS.Core;

/// <summary>
/// The base of every error the engine raises on purpose. <see cref="Kind"/> says what sort of failure it is, so
/// the cmdlets can map it to an honest ErrorCategory and the scoring host to an HTTP status without knowing
/// each exception type.
/// </summary>
public class MlopsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MlopsException(string message, MlopsErrorKind kind, Exception? inner = null, string? errorId = null)
        : base(message, inner)
    {
        Kind = kind;
        _errorId = errorId;
    }

    private readonly string? _errorId;

    /// <summary>What sort of failure this is.</summary>
    public MlopsErrorKind Kind { get; }

    /// <summary>A stable identifier for the error, such as <c>TableNotFound</c>; defaults to the type name.</summary>
    public virtual string ErrorId => _errorId ?? (GetType().Name.EndsWith("Exception", StringComparison.Ordinal)
        ? GetType().Name[..^"Exception".Length]
        : GetType().Name);
}
