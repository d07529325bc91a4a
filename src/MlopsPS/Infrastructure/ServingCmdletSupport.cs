using System.Management.Automation;
using System.Net;
using System.Security;

namespace MlopsPS.Infrastructure;

/// <summary>What the serving cmdlets share: where the scoring host is, secrets, endpoint name resolution.</summary>
internal static class ServingCmdletSupport
{
    /// <summary>The values of an On/Off switch parameter such as -Tracking (a string, so help shows the choices).</summary>
    public const string On = "On";

    /// <inheritdoc cref="On"/>
    public const string Off = "Off";

    /// <summary>Whether an On/Off value is On (ValidateSet already allowed only the two, in any case).</summary>
    public static bool IsOn(string value) => string.Equals(value, On, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The scoring host folder: <c>bin/engine/</c> in the module's folder (build.ps1 publishes the host beside the
    /// engine), else <c>engine/</c> next to the cmdlet assembly.
    /// </summary>
    public static string HostDirectory(PSCmdlet cmdlet)
    {
        var moduleBase = cmdlet.MyInvocation.MyCommand.Module?.ModuleBase;
        if (!string.IsNullOrEmpty(moduleBase))
        {
            return Path.Combine(moduleBase, "bin", "engine");
        }

        var binDirectory = Path.GetDirectoryName(typeof(ServingCmdletSupport).Assembly.Location) ?? AppContext.BaseDirectory;
        return Path.Combine(binDirectory, "engine");
    }

    /// <summary>The plain text of a SecureString, for the one place that needs it (hashing, or an HTTP header).</summary>
    public static string? Plain(SecureString? secret) => secret is null ? null : new NetworkCredential(string.Empty, secret).Password;

    /// <summary>
    /// The endpoint names <paramref name="names"/> stand for: wildcards expand over <paramref name="all"/> (case
    /// insensitive); a plain name stands for itself, so a missing one is reported by the engine.
    /// </summary>
    public static IEnumerable<string> Expand(IEnumerable<string>? names, Func<IReadOnlyList<string>> all)
    {
        IReadOnlyList<string>? known = null;
        foreach (var name in names ?? ["*"])
        {
            if (WildcardPattern.ContainsWildcardCharacters(name))
            {
                known ??= all();
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                foreach (var match in known.Where(pattern.IsMatch))
                {
                    yield return match;
                }
            }
            else
            {
                yield return name;
            }
        }
    }
}
