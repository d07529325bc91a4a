using System.Collections;

namespace MlopsPS.Core.Tables;

/// <summary>
/// A snapshot's file list loaded from the catalog on first use. A scan of the newest batch returns snapshots
/// too, and listing every file of a long history for them would make that read cost in proportion to the
/// history.
/// </summary>
internal sealed class LazyFileList : IReadOnlyList<string>
{
    private readonly Lazy<IReadOnlyList<string>> _files;

    public LazyFileList(Func<IReadOnlyList<string>> load)
    {
        _files = new Lazy<IReadOnlyList<string>>(load, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public int Count => _files.Value.Count;

    public string this[int index] => _files.Value[index];

    public IEnumerator<string> GetEnumerator() => _files.Value.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => _files.IsValueCreated ? $"{Count} file(s)" : "(not loaded)";
}
