namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>Writes a whole file and flushes it to disk before anything may point at it.</summary>
internal static class DurableFile
{
    /// <summary>
    /// Writes <paramref name="bytes"/> under a temporary name, flushes and renames it over
    /// <paramref name="fullPath"/>: readers see the old file or the complete new one, never a part.
    /// </summary>
    public static void Write(string fullPath, ReadOnlySpan<byte> bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        var temporary = fullPath + "." + Guid.NewGuid().ToString("N") + DataFileWriter.TemporarySuffix;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as an orphan for RemoveOrphanFiles.
        }
    }
}
