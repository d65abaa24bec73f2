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
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>; the random part keeps concurrent writers apart.</summary>
    public static string TempPathFor(string fullPath) => $"{fullPath}.{Guid.NewGuid():N}.partial";

    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), leaveOpen: true);
            writer.Write(text);
        });
}
