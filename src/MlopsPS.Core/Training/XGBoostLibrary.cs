using System.Reflection;
using System.Runtime.InteropServices;

namespace MlopsPS.Core.Training;

/// <summary>
/// Finds and loads libxgboost for the <c>[DllImport("xgboost")]</c> declarations in
/// <see cref="XGBoostNative"/>.
/// </summary>
/// <remarks>
/// The runtime's own probing turns "xgboost" into libxgboost.so / xgboost.dll, but Debian's libxgboost0
/// installs only libxgboost.so.0, and PowerShell does not look in runtimes/&lt;rid&gt;/native. So the
/// Core assembly gets a DllImport resolver that tries, in order: the full path in
/// <c>MLOPSPS_XGBOOST_LIBRARY</c>, then the platforms' usual names. A resolver may be registered only
/// once per assembly (a second call throws) and static state survives a module re-import in the same
/// load context, so registration is guarded here and nowhere else.
/// </remarks>
public static class XGBoostLibrary
{
    /// <summary>Environment variable holding the full path of a libxgboost to use instead of probing.</summary>
    public const string PathVariable = "MLOPSPS_XGBOOST_LIBRARY";

    private static readonly string[] s_names =
    [
        "libxgboost.so.0", // Debian/Ubuntu libxgboost0
        "libxgboost.so",   // pip wheels, source builds
        "libxgboost.dylib", // Homebrew
        "xgboost.dll",     // Windows
        "xgboost",         // whatever the runtime's own probing finds
    ];

    private static readonly object s_gate = new();
    private static bool s_resolverRegistered;
    private static IntPtr s_handle;
    private static string? s_loadedFrom;
    private static string? s_version;

    /// <summary>
    /// Loads libxgboost if it is not loaded yet. Every public entry point of the training layer calls
    /// this first, so a missing library fails with one clear message instead of a DllNotFoundException.
    /// </summary>
    /// <exception cref="XGBoostNotFoundException">No candidate could be loaded.</exception>
    public static void EnsureLoaded()
    {
        if (Volatile.Read(ref s_handle) != IntPtr.Zero)
        {
            return;
        }

        lock (s_gate)
        {
            RegisterResolver();
            if (s_handle == IntPtr.Zero)
            {
                var (handle, source, tried, failure) = Probe(Environment.GetEnvironmentVariable(PathVariable), s_names);
                if (handle == IntPtr.Zero)
                {
                    throw NotFound(tried, failure);
                }

                s_loadedFrom = source;
                Volatile.Write(ref s_handle, handle);
            }
        }
    }

    /// <summary>The loaded libxgboost's version, e.g. "1.7.4".</summary>
    public static string Version
    {
        get
        {
            EnsureLoaded();
            if (s_version is null)
            {
                XGBoostNative.XGBoostVersion(out var major, out var minor, out var patch);
                s_version = $"{major}.{minor}.{patch}";
            }

            return s_version;
        }
    }

    /// <summary>The path or name the library was loaded from.</summary>
    public static string LoadedFrom
    {
        get
        {
            EnsureLoaded();
            return s_loadedFrom!;
        }
    }

    private static void RegisterResolver()
    {
        if (s_resolverRegistered)
        {
            return;
        }

        NativeLibrary.SetDllImportResolver(typeof(XGBoostLibrary).Assembly, Resolve);
        s_resolverRegistered = true;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        // Zero hands every other library (e_sqlite3, duckdb, ...) back to the runtime's default probing.
        if (libraryName != XGBoostNative.LibraryName)
        {
            return IntPtr.Zero;
        }

        EnsureLoaded();
        return s_handle;
    }

    /// <summary>Tries <paramref name="explicitPath"/> alone when it is set, otherwise each of <paramref name="names"/>.</summary>
    internal static (IntPtr Handle, string? Source, List<string> Tried, string? Failure) Probe(
        string? explicitPath, IReadOnlyList<string> names)
    {
        var tried = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            // An explicit choice is not silently replaced by a system library: a typo or a library built
            // for the wrong architecture should be reported, with the loader's own reason.
            tried.Add($"{PathVariable}={explicitPath}");
            try
            {
                return (NativeLibrary.Load(explicitPath), explicitPath, tried, null);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                return (IntPtr.Zero, null, tried, e.Message);
            }
        }

        var assembly = typeof(XGBoostLibrary).Assembly;
        foreach (var name in names)
        {
            tried.Add(name);
            // The Assembly overload also looks next to MlopsPS.Core.dll; the plain one asks the OS loader
            // (ld.so cache, LD_LIBRARY_PATH, DYLD_LIBRARY_PATH, PATH).
            if (NativeLibrary.TryLoad(name, assembly, DllImportSearchPath.AssemblyDirectory, out var handle)
                || NativeLibrary.TryLoad(name, out handle))
            {
                return (handle, name, tried, null);
            }
        }

        return (IntPtr.Zero, null, tried, null);
    }

    internal static XGBoostNotFoundException NotFound(List<string> tried, string? failure)
    {
        var reason = failure is null ? string.Empty : $" The loader said: {failure}";
        var message =
            $"Cannot load the XGBoost native library (libxgboost). Tried: {string.Join(", ", tried)}.{reason} " +
            "Install it (Debian/Ubuntu: 'sudo apt-get install libxgboost0'; macOS: 'brew install xgboost') " +
            $"or set the environment variable {PathVariable} to the full path of libxgboost.";
        return new XGBoostNotFoundException(message, tried);
    }
}
