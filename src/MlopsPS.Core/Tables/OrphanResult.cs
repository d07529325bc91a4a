namespace MlopsPS.Core.Tables;

/// <summary>What an orphan-file cleanup removed, or would remove in a dry run.</summary>
/// <param name="Files">Files in table folders that no snapshot references (relative to the store).</param>
/// <param name="Bytes">Their total size.</param>
/// <param name="DryRun">True when nothing was deleted.</param>
public sealed record OrphanResult(IReadOnlyList<string> Files, long Bytes, bool DryRun);
