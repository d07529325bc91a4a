using System.Collections;
using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;
using JobDefinition = MlopsPS.Core.Jobs.JobDefinition;

namespace MlopsPS.Commands;

/// <summary>
/// Defines a job: a script block or a .ps1 file that runs in its own pwsh with the module loaded and the store set,
/// started by hand, after each success of a parent job, or on a cron schedule.
/// </summary>
[Cmdlet(VerbsLifecycle.Register, "MlopsJob", SupportsShouldProcess = true, DefaultParameterSetName = ScriptBlockSet)]
[OutputType(typeof(JobDefinition))]
public sealed class RegisterMlopsJobCommand : MlopsCmdlet
{
    private const string ScriptBlockSet = "ScriptBlock";
    private const string FilePathSet = "FilePath";

    /// <summary>The job's name, unique in the store (case-insensitive).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = string.Empty;

    /// <summary>The script the job runs. Variables of this shell are not captured.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = ScriptBlockSet)]
    public ScriptBlock? ScriptBlock { get; set; }

    /// <summary>A .ps1 file the job runs.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FilePathSet)]
    [ValidateNotNullOrEmpty]
    public string? FilePath { get; set; }

    /// <summary>With -FilePath: the arguments, appended to the script's command line as written.</summary>
    [Parameter(ParameterSetName = FilePathSet)]
    public string[]? ArgumentList { get; set; }

    /// <summary>Run after each successful run of this job (a dependent job).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    [ValidateNotNullOrEmpty]
    public string? Parent { get; set; }

    /// <summary>Run at the times of this cron expression (5 fields, or 6 with seconds first), while the scheduler runs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Cron { get; set; }

    /// <summary>Kill a run that takes longer (a number is seconds; 0 is no limit).</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; }

    private TimeSpan? BoundTimeout => MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null;

    /// <summary>Environment variables of the job's process.</summary>
    [Parameter]
    public Hashtable? Environment { get; set; }

    /// <summary>The folder the job runs in; the store folder by default.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? WorkingDirectory { get; set; }

    /// <summary>A description.</summary>
    [Parameter]
    public string? Description { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        JobSpec spec;
        try
        {
            spec = new JobSpec
            {
                Name = Name,
                Script = ParameterSetName == FilePathSet
                    ? JobScript.File(ResolveFile(FilePath!), ArgumentList is null ? null : string.Join(' ', ArgumentList))
                    : JobScript.Inline(JobCmdletSupport.ScriptText(ScriptBlock!)),
                Schedule = JobCmdletSupport.Schedule(Parent, Cron, manual: false) ?? JobSchedule.Manual,
                Timeout = BoundTimeout == TimeSpan.Zero ? null : BoundTimeout,
                Environment = Environment is null ? null : JobCmdletSupport.Environment(Environment),
                WorkingDirectory = WorkingDirectory is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(WorkingDirectory),
                Description = Description,
            };
        }
        catch (Exception e) when (ErrorRecordFactory.IsExpected(e) || e is ItemNotFoundException)
        {
            WriteEngineError(e, Name);
            return;
        }

        if (ShouldProcess($"job '{Name}' ({spec.Schedule}: {spec.Script})", "Register job"))
        {
            var catalog = new JobCatalog(OpenStore());
            Try(Name, () => WriteRecord(catalog.Register(spec)));
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
