using System.Globalization;
using System.Text;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Runs a job's script in its own <c>pwsh -NoProfile -NonInteractive -File</c> process through a generated script,
/// kept next to the log as the exact script that ran. The script imports the module, runs the job with every
/// stream merged into the output (<c>*&gt;&amp;1</c>) and <c>$ErrorActionPreference = 'Stop'</c>, so that any
/// error fails the run as an unhandled exception fails a Python job; its exit code is the script's
/// (<c>exit N</c>, or the last native command's), 1 after an error, else 0.
/// </summary>
public sealed class PwshJobCommands(JobRuntime runtime) : IJobCommandFactory
{
    /// <inheritdoc />
    public JobCommand Create(JobRun run, JobDefinition job, string logPath)
    {
        var scriptPath = Path.ChangeExtension(logPath, ".ps1");
        Directory.CreateDirectory(Path.GetDirectoryName(scriptPath)!);
        File.WriteAllText(scriptPath, Bootstrap(run, job, runtime.ModulePath), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return new JobCommand(runtime.PwshPath, [.. runtime.PwshArguments, "-NoProfile", "-NonInteractive", "-File", scriptPath]);
    }

    /// <summary>The generated script of a run.</summary>
    public static string Bootstrap(JobRun run, JobDefinition job, string modulePath)
    {
        var invocation = job.Script.Kind == JobScriptKind.File
            ? $"    & {Quote(job.Script.Text)} {job.Script.Arguments} *>&1"
            : $"    & {{\n{job.Script.Text}\n    }} *>&1";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # Written by MlopsPS for run {{run.RunId}} of job {{Quote(job.Name)}}: the exact script the run executed.
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            $PSStyle.OutputRendering = 'PlainText'
            try {
                Import-Module -Name {{Quote(modulePath)}}
                $global:LASTEXITCODE = 0

            """) + invocation + """

            }
            catch {
                "ERROR: $($_.Exception.Message)"
                if ($_.InvocationInfo -and $_.InvocationInfo.PositionMessage) { $_.InvocationInfo.PositionMessage }
                if ($_.ScriptStackTrace) { $_.ScriptStackTrace }
                exit 1
            }
            exit $(if ($global:LASTEXITCODE -is [int]) { $global:LASTEXITCODE } else { 0 })

            """;
    }

    /// <summary>A PowerShell single-quoted string (PowerShell also reads the typographic single quotes as quotes).</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('\'');
        foreach (var c in text)
        {
            builder.Append(c);
            if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B')
            {
                builder.Append(c);
            }
        }

        return builder.Append('\'').ToString();
    }
}
