namespace Nabla.Data;

/// <summary>Opens any file a Nabla.Data reader understands, telling the format by its magic bytes (CSV by its extension).</summary>
internal static class DataFile
{
    /// <summary>Throws <see cref="FileNotFoundException"/> naming the path as given and as resolved, before any reader opens it.</summary>
    public static void RequireExists(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path)) return;
        string full = Path.GetFullPath(path);
        string where = full == path ? "" : $" (looked for {full})";
        throw new FileNotFoundException(
            Directory.Exists(path) ? $"'{path}' is a folder, not a file." : $"File '{path}' does not exist{where}.", path);
    }

    public static (LoadedArray Array, string Format) Load(string path, DataReadOptions options)
    {
        RequireExists(path);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".csv" or ".tsv" or ".txt")
        {
            var table = Csv.Read(path, null, new CsvOptions { MaxBytes = options.MaxBytes, AllowNonFinite = options.AllowNonFinite });
            return (new LoadedArray(table.Features, "float32 (text)"), "csv");
        }

        Span<byte> magic = stackalloc byte[6];
        int read;
        using (var stream = File.OpenRead(path)) read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        if (read >= 6 && magic[0] == 0x93 && magic[1..6].SequenceEqual("NUMPY"u8))
            return (Npy.LoadTyped(path, options), "npy");
        if (read >= 2 && ((magic[0] == 0x1F && magic[1] == 0x8B) || (magic[0] == 0 && magic[1] == 0)))
            return (Idx.LoadTyped(path, options), magic[0] == 0x1F ? "idx (gzip)" : "idx");
        throw DataFormatException.AtOffset(path, 0,
            "a .npy file (\\x93NUMPY), an IDX file (raw or gzip) or a .csv/.tsv/.txt file",
            read == 0 ? "an empty file" : $"bytes {Convert.ToHexString(magic[..read])}");
    }
}
