using System.IO.Compression;

namespace Nabla.Data;

/// <summary>
/// A forward-only reader over a binary data file (raw or gzip) that knows its byte offset, so that
/// every error can say where it happened. Shared by the IDX and NPY readers.
/// </summary>
internal sealed class BinarySource : IDisposable
{
    /// <summary>
    /// Deflate cannot compress better than about 1032:1, so a gzip stream of n bytes can never
    /// decompress to more than this many times n: a header that declares more is lying.
    /// </summary>
    private const long MaxDeflateRatio = 1032;

    private const int ChunkBytes = 1 << 16;

    /// <summary>Elements allocated up front for a gzip source; the array then doubles as data arrives.</summary>
    private const int InitialCompressedElements = 1 << 20;

    private readonly Stream stream;

    public string Path { get; }

    /// <summary>Bytes consumed so far (of the uncompressed stream when gzip).</summary>
    public long Offset { get; private set; }

    public bool IsCompressed { get; }

    /// <summary>The length of the underlying file (compressed, when gzip).</summary>
    public long StoredLength { get; }

    private BinarySource(Stream stream, string path, bool isCompressed, long storedLength)
    {
        this.stream = stream;
        Path = path;
        IsCompressed = isCompressed;
        StoredLength = storedLength;
    }

    public static BinarySource OpenFile(string path, DataReadOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        Nabla.Data.DataFile.RequireExists(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Open(file, path, options);
    }

    /// <summary>Wraps a seekable stream (it is disposed with the source); gzip is detected from its magic bytes, not its name.</summary>
    public static BinarySource Open(Stream stream, string path, DataReadOptions options)
    {
        options.Validate();
        long length = stream.Length;
        Span<byte> magic = stackalloc byte[2];
        int read = stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        stream.Position = 0;
        bool gzip = read == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        if (!gzip && length > options.MaxBytes)
        {
            stream.Dispose();
            throw DataFormatException.InFile(path, $"at most {options.MaxBytes} bytes (DataReadOptions.MaxBytes)", $"{length} bytes");
        }
        return new BinarySource(gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream, path, gzip, length);
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes, or fails naming <paramref name="what"/>.</summary>
    public void ReadExactly(Span<byte> buffer, string what)
    {
        int read = ReadFully(buffer);
        if (read < buffer.Length)
            throw DataFormatException.AtOffset(Path, Offset, $"{buffer.Length} bytes of {what}", $"end of data after {read}");
    }

    /// <summary>
    /// Checks, before anything is allocated, that <paramref name="dataBytes"/> of element data can
    /// follow the header: within the size cap, and (for a raw file) exactly what the file holds.
    /// </summary>
    private void CheckDeclaredSize(long dataBytes, string declaration, DataReadOptions options)
    {
        if (dataBytes > options.MaxBytes)
            throw DataFormatException.AtOffset(Path, Offset,
                $"at most {options.MaxBytes} bytes of data (DataReadOptions.MaxBytes)", $"{declaration}, i.e. {dataBytes} bytes");
        if (IsCompressed)
        {
            if (dataBytes / MaxDeflateRatio > StoredLength)
                throw DataFormatException.AtOffset(Path, Offset,
                    $"data that a {StoredLength}-byte gzip file can hold", $"{declaration}, i.e. {dataBytes} bytes");
        }
        else if (StoredLength - Offset != dataBytes)
        {
            throw DataFormatException.AtOffset(Path, Offset,
                $"{dataBytes} bytes of data after the header ({declaration})", $"{StoredLength - Offset} bytes");
        }
    }

    /// <summary>
    /// Validates a declared shape against the size cap, the file (see <see cref="CheckDeclaredSize"/>)
    /// and the largest tensor, and returns its element count. Products saturate instead of
    /// overflowing: a shape past the cap is refused whatever its exact size.
    /// </summary>
    public int CheckDeclaredShape(ReadOnlySpan<int> shape, ElementType type, string typeName, DataReadOptions options)
    {
        long count = 1;
        foreach (int d in shape) count = d == 0 || count <= long.MaxValue / d ? count * d : long.MaxValue;
        int size = ElementTypes.SizeOf(type);
        long dataBytes = count > long.MaxValue / size ? long.MaxValue : count * size;
        string declaration = $"shape {Tensor.ShapeString(shape)} of {typeName}";
        CheckDeclaredSize(dataBytes, declaration, options);
        // The decoded float32 tensor is what is allocated: it must fit the budget too (a byte file decodes to 4x).
        long decodedBytes = count > long.MaxValue / sizeof(float) ? long.MaxValue : count * sizeof(float);
        if (decodedBytes > options.MaxBytes)
            throw DataFormatException.AtOffset(Path, Offset,
                $"at most {options.MaxBytes} bytes of decoded float32 data (DataReadOptions.MaxBytes)", $"{declaration}, i.e. {decodedBytes} bytes as float32");
        if (count > Array.MaxLength)
            throw DataFormatException.AtOffset(Path, Offset,
                $"at most {Array.MaxLength} elements (the most one float32 tensor holds)", $"{declaration}, {count} elements");
        return (int)count;
    }

    /// <summary>Reads <paramref name="count"/> elements (already validated by <see cref="CheckDeclaredSize"/>) into a new float array.</summary>
    public float[] ReadElements(ElementType type, bool bigEndian, int count, bool allowNonFinite)
    {
        int size = ElementTypes.SizeOf(type);
        // A gzip stream may declare far more than it holds (up to the deflate ratio): the array grows with the
        // data actually decompressed, so a lying header costs no more memory than the data behind it.
        var values = new float[IsCompressed ? Math.Min(count, InitialCompressedElements) : count];
        var chunk = new byte[ChunkBytes];
        int perChunk = ChunkBytes / size;
        for (int done = 0; done < count;)
        {
            int n = Math.Min(perChunk, count - done);
            if (done + n > values.Length)
                Array.Resize(ref values, (int)Math.Min(count, Math.Max(done + n, 2L * values.Length)));
            long chunkOffset = Offset;
            ReadExactly(chunk.AsSpan(0, n * size), $"{ElementTypes.Name(type)} data (element {done} of {count})");
            int bad = ElementTypes.Decode(type, bigEndian, chunk.AsSpan(0, n * size), values.AsSpan(done, n));
            if (bad >= 0 && !allowNonFinite)
                throw DataFormatException.AtOffset(Path, chunkOffset + (long)bad * size,
                    "finite numbers (set DataReadOptions.AllowNonFinite to accept NaN/Inf)",
                    $"{values[done + bad]} at element {done + bad} (a value that is not a finite float32)");
            done += n;
        }
        return values;
    }

    /// <summary>Fails unless the data ends here: trailing bytes mean the header and the data disagree.</summary>
    public void ExpectEnd()
    {
        long end = Offset;
        Span<byte> probe = stackalloc byte[1];
        if (ReadFully(probe) > 0)
            throw DataFormatException.AtOffset(Path, end, "end of data after the declared elements", "more bytes");
    }

    private int ReadFully(Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int n = stream.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw DataFormatException.AtOffset(Path, Offset + total, "a valid gzip stream", $"corrupt compressed data ({e.Message})");
        }
        Offset += total;
        return total;
    }

    public void Dispose() => stream.Dispose();
}
