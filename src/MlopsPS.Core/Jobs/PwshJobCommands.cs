using System.Globalization;
using System.Text;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Runs a job's script in its own <c>pwsh -NoProfile -NonInteractive -File</c> process through a generated script,
/// kept next to the log as the exact script that ran. The script imports the module, runs the job with every
/// stream merged into the output (<c>*&gt;&amp;1</c>, formatted <see cref="LogWidth"/> columns wide) and
/// <c>$ErrorActionPreference = 'Stop'</c>, so that any
/// error fails the run as an unhandled exception fails a Python job; its exit code is the script's
/// (<c>exit N</c>, or the last native command's), 1 after an error, else 0.
/// </summary>
public sealed class PwshJobCommands(JobRuntime runtime) : IJobCommandFactory
{
    /// <summary>The width output is formatted to in the log.</summary>
    public const int LogWidth = 240;

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
        // Out-String: tables in the log as wide as they need (a redirected pwsh formats for 80 columns), plain text;
        // the filter keeps the WARNING:/VERBOSE:/DEBUG: prefixes that Out-String alone would drop.
        var format = $"*>&1 | Write-MlopsJobRecord | Out-String -Stream -Width {LogWidth}";
        var invocation = job.Script.Kind == JobScriptKind.File
            ? $"    & {Quote(job.Script.Text)} {job.Script.Arguments} {format}"
            : $"    & {{\n{job.Script.Text}\n    }} {format}";
        return string.Create(CultureInfo.InvariantCulture, $$"""
            # Written by MlopsPS for run {{run.RunId}} of job {{Quote(job.Name)}}: the exact script the run executed.
            $ErrorActionPreference = 'Stop'
            $ProgressPreference = 'SilentlyContinue'
            $PSStyle.OutputRendering = 'PlainText'
            filter Write-MlopsJobRecord {
                if ($_ -is [System.Management.Automation.WarningRecord]) { "WARNING: $($_.Message)" }
                elseif ($_ -is [System.Management.Automation.VerboseRecord]) { "VERBOSE: $($_.Message)" }
                elseif ($_ -is [System.Management.Automation.DebugRecord]) { "DEBUG: $($_.Message)" }
                else { $_ }
            }
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
