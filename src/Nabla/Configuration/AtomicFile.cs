namespace Nabla.Configuration;

/// <summary>
/// Writes files so that readers never see a partial one: the content goes to a temporary file in the
/// same folder (same volume, so the rename is atomic), is flushed to disk, then replaces the target.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full) ?? ".");
        string temp = TempPathFor(full);
        var started = DateTime.UtcNow;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
            RemoveStalePartials(full, started);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Deletes the temporary files an interrupted earlier write to <paramref name="fullPath"/> left behind (a
    /// killed process cannot clean up): those last written before this write started. A concurrent write's own
    /// file is newer, so it is left alone.
    /// </summary>
    private static void RemoveStalePartials(string fullPath, DateTime writeStarted)
    {
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string prefix = Path.GetFileName(fullPath) + ".";
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, "*" + PartialSuffix).ToList();
        }
        catch (IOException)
        {
            return;
        }
        foreach (string file in candidates)
        {
            string name = Path.GetFileName(file);
            bool ours = name.Length == prefix.Length + 32 + PartialSuffix.Length && name.StartsWith(prefix, StringComparison.Ordinal)
                        && Guid.TryParseExact(name.AsSpan(prefix.Length, 32), "N", out _);
            if (!ours) continue;
            try
            {
                if (File.GetLastWriteTimeUtc(file) < writeStarted) File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process may hold or have removed it: cleaning up is best effort, the write itself succeeded.
            }
        }
    }

    private const string PartialSuffix = ".partial";

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>; the random part keeps concurrent writers apart.</summary>
    public static string TempPathFor(string fullPath) => $"{fullPath}.{Guid.NewGuid():N}{PartialSuffix}";

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
}
