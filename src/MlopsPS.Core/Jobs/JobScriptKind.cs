namespace MlopsPS.Core.Jobs;

/// <summary>What a job runs.</summary>
public enum JobScriptKind
{
    /// <summary>A .ps1 file, with arguments appended to its command line.</summary>
    File,

    /// <summary>PowerShell text, such as a script block's body.</summary>
    Text,
}
