namespace MlopsPS.Core.Store;

/// <summary>
/// A part of the catalog that has not been ported to PostgreSQL yet was asked of a PostgreSQL store. Raised before
/// anything is read or written, so the store is never half-changed.
/// </summary>
public sealed class PostgreSqlNotSupportedException : StoreException
{
    /// <summary>Creates the exception for <paramref name="what"/> (a cmdlet or an area of the catalog).</summary>
    public PostgreSqlNotSupportedException(string what)
        : base(
            $"PostgreSQL stores do not support {what} yet. In this version a PostgreSQL store serves Get-MlopsStore, the " +
            "tracking cmdlets (Get-Experiment, Get-ExperimentRun, ...), the registry's (Register-Model, Get-ModelVersion, " +
            "Set-ModelAlias, ...), the tables' (New-Batch, Read-Table, Get-Table, ...) and Invoke-Retrain only; use a store folder (SQLite) for everything else.",
            MlopsErrorKind.InvalidOperation)
    {
    }
}
