using System.Collections;
using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;
using JobDefinition = MlopsPS.Core.Jobs.JobDefinition;

namespace MlopsPS.Commands;

/// <summary>Changes a job's definition; what is not given stays as it is.</summary>
[Cmdlet(VerbsCommon.Set, "MlopsJob", SupportsShouldProcess = true, DefaultParameterSetName = KeepScriptSet)]
[OutputType(typeof(JobDefinition))]
public sealed class SetMlopsJobCommand : MlopsCmdlet
{
    private const string KeepScriptSet = "KeepScript";
    private const string ScriptBlockSet = "ScriptBlock";
    private const string FilePathSet = "FilePath";

    /// <summary>The job to change.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName")]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>A new name; its run history follows.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? NewName { get; set; }

    /// <summary>A new script block.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ScriptBlockSet)]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>A new .ps1 file.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FilePathSet)]
    [ValidateNotNullOrEmpty]
    public string? FilePath { get; set; }

    /// <summary>With -FilePath: the arguments, appended to the script's command line as written.</summary>
    [Parameter(ParameterSetName = FilePathSet)]
    public string[]? ArgumentList { get; set; }

    /// <summary>Make the job dependent on this job.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Parent { get; set; }

    /// <summary>Put the job on this cron schedule (its tick history starts again from now).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Cron { get; set; }

    /// <summary>Make the job manual: no parent, no cron.</summary>
    [Parameter]
    public SwitchParameter Manual { get; set; }

    /// <summary>A new timeout (a number is seconds); 0 removes it.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; }

    private TimeSpan? BoundTimeout => MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null;

    /// <summary>The job's environment variables, replacing the old ones; an empty table removes them.</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

    /// <summary>A new working folder; an empty string for the store folder.</summary>
    [Parameter]
    public string? WorkingDirectory { get; set; }

    /// <summary>A new description; an empty string removes it.</summary>
    [Parameter]
    public string? Description { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        JobChanges changes;
        try
        {
            changes = new JobChanges
            {
                NewName = NewName,
                Script = ParameterSetName switch
                {
                    FilePathSet => JobScript.File(ResolveFile(FilePath!), ArgumentList is null ? null : string.Join(' ', ArgumentList)),
                    ScriptBlockSet => JobScript.Inline(JobCmdletSupport.ScriptText(ScriptBlock!)),
                    _ => null,
                },
                Schedule = JobCmdletSupport.Schedule(Parent, Cron, Manual),
                Timeout = BoundTimeout,
                Environment = Environment is null ? null : JobCmdletSupport.Environment(Environment),
                WorkingDirectory = WorkingDirectory is null or "" ? WorkingDirectory : SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkingDirectory),
                Description = Description,
            };
        }
        catch (Exception e) when (ErrorRecordFactory.IsExpected(e) || e is ItemNotFoundException)
        {
            WriteEngineError(e, Name);
            return;
        }

        if (ShouldProcess($"job '{Name}'", "Change job"))
        {
            var catalog = new JobCatalog(OpenStore());
            Try(Name, () => WriteRecord(catalog.Update(Name, changes)));
        }
    }

    private string ResolveFile(string path)
    {
        var resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out _);
        return resolved.Count == 1
            ? resolved[0]
            : throw new ArgumentException($"-FilePath '{path}' matches {resolved.Count} files; a job runs one script.");
    }
}
