using System.Diagnostics;
using MlopsPS.Core.Common;

namespace MlopsPS.Core.Jobs;

/// <summary>Starts the job runner and the scheduler detached from whoever started them (see <see cref="DetachedDotnet"/>).</summary>
internal static class DetachedProcess
{
    /// <summary>Starts <c>dotnet &lt;runner&gt; arguments...</c> detached; returns the process (the runner itself).</summary>
    public static Process StartRunner(JobRuntime runtime, IReadOnlyList<string> arguments, string logPath, string workingDirectory)
    {
        runtime.Validate();
        try
        {
            return DetachedDotnet.Start("job runner", runtime.RunnerAssemblyPath, arguments, logPath, workingDirectory);
        }
        catch (MlopsException e) when (e is not JobRunnerException)
        {
            throw new JobRunnerException(e.Message, e);
        }
    }
}
