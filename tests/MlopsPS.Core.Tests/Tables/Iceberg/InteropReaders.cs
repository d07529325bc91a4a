using System.Reflection;
using System.Text.Json;
using MlopsPS.Core.Tests.TestSupport;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>
/// The independent readers in tests/interop, run as real processes: icebird (node, a JavaScript Iceberg reader)
/// and Debian's python3-avro. build.ps1 installs both; a missing one fails the test with what to run.
/// </summary>
internal static class InteropReaders
{
    // Debian's python3-avro is installed for the system Python; a pyenv python3 earlier on PATH lacks it.
    private const string Python = "/usr/bin/python3";

    public static string Directory { get; } = typeof(InteropReaders).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "InteropDirectory").Value!;

    /// <summary>icebird's view of the table at <paramref name="tableLocation"/> (optionally as of an older metadata file).</summary>
    public static JsonElement Icebird(string tableLocation, string? metadataFileName = null)
    {
        Assert.True(
            System.IO.Directory.Exists(Path.Combine(Directory, "node_modules", "icebird")),
            $"icebird is not installed in {Directory}: run 'dotnet pwsh ./build.ps1 build' (or 'npm ci --prefix tests/interop').");
        var arguments = new List<string> { Path.Combine(Directory, "read-iceberg.mjs"), tableLocation };
        if (metadataFileName is not null)
        {
            arguments.Add(metadataFileName);
        }

        return Run("node", arguments);
    }

    /// <summary>python3-avro's decoding of Avro container files: metadata, writer schema and records of each.</summary>
    public static JsonElement DecodeAvro(IEnumerable<string> files) =>
        Run(Python, [Path.Combine(Directory, "decode_avro.py"), .. files]);

    /// <summary>Commits to a table as another Iceberg writer (tests/interop/foreign_commit.py, python3-avro).</summary>
    public static JsonElement ForeignCommit(string catalogPath, string ns, string table, string dataFile, long records, params string[] options) =>
        Run(Python, [Path.Combine(Directory, "foreign_commit.py"), catalogPath, ns, table, dataFile, records.ToString(System.Globalization.CultureInfo.InvariantCulture), .. options]);

    private static JsonElement Run(string program, IReadOnlyList<string> arguments) =>
        JsonDocument.Parse(ChildProcess.Run(program, arguments, Directory)).RootElement.Clone();
}
