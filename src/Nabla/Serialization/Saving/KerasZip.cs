using System.IO.Compression;
using Nabla.Data;

namespace Nabla.Serialization.Saving;

/// <summary>
/// A .keras zip opened for reading with the checks an untrusted archive needs: every entry name is a plain relative
/// name (no "..", no absolute path, no backslash) and appears once; an entry is read only up to the size the caller
/// allows, whatever size it declares; and every byte read is checked against the entry's CRC-32.
/// </summary>
internal sealed class KerasZip : IDisposable
{
    private readonly ZipArchive zip;

    private KerasZip(ZipArchive zip, string path)
    {
        this.zip = zip;
        Path = path;
    }

    public string Path { get; }

    public IEnumerable<string> EntryNames => zip.Entries.Select(e => e.FullName);

    public static KerasZip Open(string path)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e)
        {
            throw DataFormatException.InFile(path, "a .keras zip archive", $"not a zip file ({e.Message})");
        }
        try
        {
            CheckNames(zip, path);
            return new KerasZip(zip, path);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => zip.GetEntry(name) is not null;

    /// <summary>The size of an entry stored without compression (as Python's zipfile writes Keras's archives), which
    /// the archive's own length bounds; 0 for a compressed entry, whose declared size nothing on disk bounds.</summary>
    public long StoredLength(string name) =>
        zip.GetEntry(name) is { } entry && entry.CompressedLength == entry.Length && entry.Length <= new FileInfo(Path).Length ? entry.Length : 0;

    /// <summary>The entry's bytes; refused before reading when it declares more than <paramref name="maxBytes"/>,
    /// and while reading when it inflates past that or its bytes do not match its CRC-32.</summary>
    public byte[] Read(string name, long maxBytes)
    {
        var entry = zip.GetEntry(name) ?? throw DataFormatException.AtField(Path, $"entry '{name}'", "present", "no such entry");
        string where = $"entry '{name}'";
        if (entry.Length > maxBytes)
            throw DataFormatException.AtField(Path, where, $"at most {maxBytes} bytes (what this model can need)", $"a declared size of {entry.Length} bytes");
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, int.MaxValue));
        uint crc = 0;
        try
        {
            using var stream = entry.Open();
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
                crc = Crc32.Update(crc, chunk.AsSpan(0, read));
                if (buffer.Length > maxBytes)
                    throw DataFormatException.AtField(Path, where, $"at most {maxBytes} bytes (what this model can need)", "more once decompressed");
            }
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtField(Path, where, "a readable zip entry", $"damaged data ({e.Message})");
        }
        if (buffer.Length != entry.Length)
            throw DataFormatException.AtField(Path, where, $"{entry.Length} bytes (its declared size)", $"{buffer.Length}");
        if (crc != entry.Crc32)
            throw DataFormatException.AtField(Path, where, $"CRC-32 {entry.Crc32:x8} (declared)", $"{crc:x8}: the entry is corrupt");
        return buffer.ToArray();
    }

    public string ReadText(string name, long maxBytes)
    {
        try { return new System.Text.UTF8Encoding(false, true).GetString(Read(name, maxBytes)); }
        catch (System.Text.DecoderFallbackException e)
        {
            throw DataFormatException.AtField(Path, $"entry '{name}'", "UTF-8 text", $"invalid bytes ({e.Message})");
        }
    }

    public void Dispose() => zip.Dispose();

    private static void CheckNames(ZipArchive zip, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            string name = entry.FullName;
            bool unsafeName = name.Length == 0 || name.StartsWith('/') || name.Contains('\\') || name.Contains(':')
                || name.Split('/').Any(part => part is ".." or ".");
            if (unsafeName)
                throw DataFormatException.AtField(path, $"entry '{name}'", "a relative entry name without '..', '\\' or a drive", "an unsafe name");
            if (!seen.Add(name))
                throw DataFormatException.AtField(path, $"entry '{name}'", "each entry name once", "a duplicate entry");
        }
    }
}
