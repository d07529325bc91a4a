using System.Management.Automation;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace MlopsPS.Loading;

/// <summary>
/// Routes the request for MlopsPS.Core from the default context to the engine's own AssemblyLoadContext. The
/// handler is registered as soon as this assembly loads (a module initializer), because pwsh reflects over the
/// cmdlets' parameter types, some of them engine types, before it calls <see cref="OnImport"/>. The context is
/// created once per process, so <c>Remove-Module</c> followed by <c>Import-Module -Force</c> reuses it instead
/// of loading the engine twice.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private const string EngineAssemblyName = "MlopsPS.Core";

    private static readonly Lazy<EngineLoadContext> s_context = new(() =>
        new EngineLoadContext(Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "engine")));

    /// <inheritdoc />
    public void OnImport() => Register();

    /// <summary>Runs when the assembly loads, before pwsh looks at any cmdlet.</summary>
#pragma warning disable CA2255 // A binary module is exactly the "advanced scenario": pwsh loads us as a library.
    [ModuleInitializer]
    internal static void Register()
#pragma warning restore CA2255
    {
        // Import-Module -Force may run OnImport again without OnRemove: never register the handler twice.
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    /// <inheritdoc />
    public void OnRemove(PSModuleInfo psModuleInfo) => AssemblyLoadContext.Default.Resolving -= ResolveEngine;

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName assemblyName) =>
        string.Equals(assemblyName.Name, EngineAssemblyName, StringComparison.Ordinal)
            ? s_context.Value.LoadFromAssemblyName(assemblyName)
            : null;
}
