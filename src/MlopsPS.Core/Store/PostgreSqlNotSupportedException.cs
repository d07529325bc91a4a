namespace MlopsPS.Core.Store;

/// <summary>
/// Code written for SQLite alone (the prediction log's C-API writer) was handed a PostgreSQL store: a bug in the
/// caller, which should have picked the engine's own path. Raised before anything is read or written.
/// </summary>
public sealed class PostgreSqlNotSupportedException : StoreException
{
    /// <summary>Creates the exception for <paramref name="what"/> (the SQLite-only code that was asked).</summary>
    public PostgreSqlNotSupportedException(string what)
        : base($"{what} works on a SQLite store only; a PostgreSQL store takes another path.", MlopsErrorKind.InvalidOperation)
    {
    }
}
