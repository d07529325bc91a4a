using System.Text;

namespace MlopsPS.Core.Tests.Sources;

/// <summary>A fresh directory under the system temp folder, removed when the test ends.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        FullPath = Path.Combine(Path.GetTempPath(), "mlopsps-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(FullPath);
    }

    public string FullPath { get; }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte order mark, exactly as given (no newline added).</summary>
    public string WriteText(string name, string text) => WriteBytes(name, new UTF8Encoding(false).GetBytes(text));

    public string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(FullPath, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string PathOf(string name) => Path.Combine(FullPath, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(FullPath, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed test; the temp folder is cleaned by the system eventually.
        }
    }
}
