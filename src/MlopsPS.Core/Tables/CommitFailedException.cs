namespace MlopsPS.Core.Tables;

/// <summary>
/// A commit could not get the catalog's write lock within its retries (other processes kept it busy). The
/// table is unchanged and the data file written for the commit has been removed.
/// </summary>
public sealed class CommitFailedException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public CommitFailedException(string table, int attempts, Exception? inner)
        : base($"Could not commit to table '{table}' after {attempts} attempts: the catalog stayed locked by other writers. The table is unchanged; try again.", MlopsErrorKind.InvalidOperation, inner)
    {
        Table = table;
        Attempts = attempts;
    }

    /// <summary>The table the commit was for.</summary>
    public string Table { get; }

    /// <summary>How many times the commit was tried.</summary>
    public int Attempts { get; }
}
