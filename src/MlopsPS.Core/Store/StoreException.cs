namespace MlopsPS.Core.Store;

/// <summary>The store cannot be opened or is not in a state the engine can work with.</summary>
public class StoreException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public StoreException(string message, Exception? inner = null)
        : base(message, MlopsErrorKind.ResourceUnavailable, inner)
    {
    }

    /// <summary>Creates the exception with another kind than ResourceUnavailable.</summary>
    protected StoreException(string message, MlopsErrorKind kind)
        : base(message, kind)
    {
    }
}
