namespace MlopsPS.Core.Jobs;

/// <summary>
/// What a job runs: a <c>.ps1</c> file with arguments appended to its command line as written (the original
/// platform's Script and Arguments fields), or PowerShell text such as a script block's body.
/// </summary>
public sealed record JobScript(JobScriptKind Kind, string Text, string? Arguments = null)
{
    /// <summary>A script file (an absolute path) and its arguments, e.g. <c>-Table telco -Rows 500</c>.</summary>
    public static JobScript File(string path, string? arguments = null) => new(JobScriptKind.File, path, arguments);

    /// <summary>PowerShell text. Variables of the shell that defines the job are not captured.</summary>
    public static JobScript Inline(string text) => new(JobScriptKind.Text, text);

    /// <inheritdoc />
    public override string ToString() => Kind == JobScriptKind.File
        ? (string.IsNullOrEmpty(Arguments) ? Text : Text + " " + Arguments)
        : "{ " + Text.Trim() + " }";
}
