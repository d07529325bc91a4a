using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace MlopsPS.Loading;

/// <summary>
/// The AssemblyLoadContext that holds the engine (MlopsPS.Core) and its dependencies (Sqlite, Parquet.Net, ...)
/// from the module's <c>bin/engine</c> folder, so another module's copy of those libraries cannot break ours and
/// ours cannot break theirs. It also finds the engine's native libraries under <c>runtimes/&lt;rid&gt;/native</c>,
/// where pwsh itself does not look.
/// </summary>
internal sealed class EngineLoadContext : AssemblyLoadContext
{
    private readonly string _engineDirectory;

    public EngineLoadContext(string engineDirectory)
        : base(name: "MlopsPS.Engine", isCollectible: false)
    {
        _engineDirectory = engineDirectory;
    }

    public string EngineDirectory => _engineDirectory;

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Take our private copy when we ship one; everything else (the framework, PowerShell) comes from the
        // default context so that types such as PSObject stay shared.
        var candidate = Path.Combine(_engineDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var candidate in NativeLibraryCandidates(unmanagedDllName))
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
            {
                return handle;
            }
        }

        // Not ours: let the runtime try the system's usual places.
        return IntPtr.Zero;
    }

    private IEnumerable<string> NativeLibraryCandidates(string name)
    {
        var fileNames = FileNameVariants(name).ToArray();
        foreach (var rid in RuntimeIdentifiers())
        {
            var folder = Path.Combine(_engineDirectory, "runtimes", rid, "native");
            foreach (var fileName in fileNames)
            {
                yield return Path.Combine(folder, fileName);
            }
        }

        foreach (var fileName in fileNames)
        {
            yield return Path.Combine(_engineDirectory, fileName);
        }
    }

    private static IEnumerable<string> FileNameVariants(string name)
    {
        yield return name;
        if (OperatingSystem.IsWindows())
        {
            yield return name + ".dll";
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "lib" + name + ".dylib";
            yield return name + ".dylib";
        }
        else
        {
            yield return "lib" + name + ".so";
            yield return name + ".so";
        }
    }

    private static IEnumerable<string> RuntimeIdentifiers()
    {
        var architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        yield return RuntimeInformation.RuntimeIdentifier;
        if (OperatingSystem.IsWindows())
        {
            yield return "win-" + architecture;
        }
        else if (OperatingSystem.IsMacOS())
        {
            yield return "osx-" + architecture;
        }
        else
        {
            // musl-based distributions (Alpine) need their own build of the native libraries.
            var musl = File.Exists("/lib/ld-musl-" + (architecture == "x64" ? "x86_64" : "aarch64") + ".so.1");
            yield return (musl ? "linux-musl-" : "linux-") + architecture;
        }
    }
}
