namespace MlopsPS.Core.Jobs;

/// <summary>
/// Where the programs a job needs are: the runner (<c>MlopsPS.JobRunner.dll</c>, run by the dotnet muxer), the
/// <c>pwsh</c> that executes job scripts (a native <c>pwsh</c>, or <c>dotnet pwsh.dll</c> when PowerShell is a dotnet
/// tool), and the module manifest each job imports. The cmdlets build it from the shell they run in; the runner and
/// the scheduler receive it on their command line and hand it on.
/// </summary>
public sealed record JobRuntime(string RunnerAssemblyPath, string PwshPath, IReadOnlyList<string> PwshArguments, string ModulePath)
{
    /// <summary>The runner's entry assembly, published beside the engine in the module's <c>bin/engine</c> folder.</summary>
    public const string RunnerAssemblyFileName = "MlopsPS.JobRunner.dll";

    /// <summary>
    /// The runtime of a module loaded in a pwsh: <paramref name="processPath"/> is that process (pwsh, or the dotnet
    /// muxer running <c>$PSHOME/pwsh.dll</c>).
    /// </summary>
    public static JobRuntime ForModule(string moduleBase, string modulePath, string processPath, string psHome)
    {
        var runner = Path.Combine(moduleBase, "bin", "engine", RunnerAssemblyFileName);
        var name = Path.GetFileNameWithoutExtension(processPath);
        return string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase)
            ? new JobRuntime(runner, processPath, [Path.Combine(psHome, "pwsh.dll")], modulePath)
            : new JobRuntime(runner, processPath, [], modulePath);
    }

    /// <summary>Reads the options <see cref="ToArguments"/> wrote; null when they are incomplete.</summary>
    public static JobRuntime? FromArguments(IReadOnlyList<string> arguments)
    {
        string? runner = null, pwsh = null, module = null;
        var pwshArguments = new List<string>();
        for (var i = 0; i + 1 < arguments.Count; i++)
        {
            switch (arguments[i])
            {
                case "--runner": runner = arguments[++i]; break;
                case "--pwsh": pwsh = arguments[++i]; break;
                case "--pwsh-arg": pwshArguments.Add(arguments[++i]); break;
                case "--module": module = arguments[++i]; break;
            }
        }

        return runner is null || pwsh is null || module is null ? null : new JobRuntime(runner, pwsh, pwshArguments, module);
    }

    /// <summary>The command-line options that carry this runtime to a runner or scheduler process.</summary>
    public IReadOnlyList<string> ToArguments()
    {
        var arguments = new List<string> { "--runner", RunnerAssemblyPath, "--pwsh", PwshPath };
        foreach (var argument in PwshArguments)
        {
            arguments.Add("--pwsh-arg");
            arguments.Add(argument);
        }

        arguments.Add("--module");
        arguments.Add(ModulePath);
        return arguments;
    }

    /// <summary>Throws <see cref="JobRunnerException"/> naming the first program that is missing.</summary>
    public void Validate()
    {
        if (!File.Exists(RunnerAssemblyPath))
        {
            throw new JobRunnerException(
                $"The job runner is not at '{RunnerAssemblyPath}'. Build the module (dotnet pwsh ./build.ps1 build) and import it from out/MlopsPS.");
        }

        if (!File.Exists(PwshPath))
        {
            throw new JobRunnerException($"PowerShell is not at '{PwshPath}'; jobs run their scripts with it.");
        }

        foreach (var argument in PwshArguments.Where(a => a.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)))
        {
            if (!File.Exists(argument))
            {
                throw new JobRunnerException($"PowerShell is not at '{argument}'; jobs run their scripts with it.");
            }
        }

        if (!File.Exists(ModulePath))
        {
            throw new JobRunnerException($"The module manifest '{ModulePath}' that jobs import does not exist.");
        }
    }
}
