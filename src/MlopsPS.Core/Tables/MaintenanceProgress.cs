namespace MlopsPS.Core.Tables;

/// <summary>How far a maintenance task (expiring snapshots) has come: files done out of files to do.</summary>
public sealed record MaintenanceProgress(string Table, int Done, int Total, string CurrentFile)
{
    /// <summary>The share done, 0 to 100.</summary>
    public int PercentComplete => Total == 0 ? 100 : Done * 100 / Total;
}
