using Nabla.Configuration;
using System.Buffers.Binary;

namespace Nabla.Data;

/// <summary>
/// NumPy .npy files (format versions 1, 2 and 3): "\x93NUMPY", the version, the header length
/// (uint16 for v1, uint32 for v2/v3, little-endian), the header dict, then the raw C-order data.
/// </summary>
public static class Npy
{
    /// <summary>"\x93NUMPY".</summary>
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>A header longer than this is not a NumPy header (NumPy's own loader refuses far shorter ones by default).</summary>
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>Headers are padded so that the data starts on a 64-byte boundary, as NumPy does.</summary>
    private const int Alignment = 64;

    /// <summary>Loads a .npy file as a float32 tensor (every supported dtype is converted).</summary>
    public static Tensor Load(string path, DataReadOptions? options = null) => LoadTyped(path, options).Values;

    internal static LoadedArray LoadTyped(string path, DataReadOptions? options = null)
    {
        options ??= DataReadOptions.Default;
        using var source = BinarySource.OpenFile(path, options);
        if (source.IsCompressed)
            throw DataFormatException.AtOffset(path, 0, "a .npy file (magic \\x93NUMPY)", "a gzip stream; decompress it first");

        Span<byte> prefix = stackalloc byte[8];
        source.ReadExactly(prefix, "the .npy magic and version");
        if (!prefix[..6].SequenceEqual(Magic))
            throw DataFormatException.AtOffset(path, 0, "the .npy magic \\x93NUMPY", $"bytes {Convert.ToHexString(prefix[..6])}");
        int major = prefix[6];
        if (major is < 1 or > 3)
            throw DataFormatException.AtOffset(path, 6, "format version 1, 2 or 3", $"version {major}.{prefix[7]}");

        Span<byte> lengthBytes = stackalloc byte[4];
        int lengthSize = major == 1 ? 2 : 4;
        source.ReadExactly(lengthBytes[..lengthSize], "the header length");
        long headerLength = major == 1
            ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes)
            : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        long headerStart = source.Offset;
        if (headerLength > MaxHeaderBytes || headerLength > source.StoredLength - headerStart)
            throw DataFormatException.AtOffset(path, 8, $"a header length of at most {Math.Min(MaxHeaderBytes, source.StoredLength - headerStart)} bytes",
                $"{headerLength}");

        var headerBytes = new byte[headerLength];
        source.ReadExactly(headerBytes, "the header");
        var header = NpyHeader.Parse(NpyHeader.EncodingFor(major).GetString(headerBytes), path, headerStart);

        int count = source.CheckDeclaredShape(header.Shape, header.Type, header.Descr, options);
        float[] values = source.ReadElements(header.Type, header.BigEndian, count, options.AllowNonFinite);
        return new LoadedArray(Tensor.FromArray(values, header.Shape), ElementTypes.Name(header.Type));
    }

    /// <summary>
    /// Saves <paramref name="tensor"/> as a little-endian float32 C-order .npy (version 1.0), which
    /// np.load reads. The file is written to a temporary name and renamed, so a crash never leaves
    /// a half-written file under <paramref name="path"/>.
    /// </summary>
    public static void Save(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensor);
        string dict = NpyHeader.FormatFloat32(tensor.Shape);
        // magic (6) + version (2) + length (2) + dict + padding + '\n' must be a multiple of 64.
        int unpadded = 10 + dict.Length + 1;
        int padding = (Alignment - unpadded % Alignment) % Alignment;
        string headerText = dict + new string(' ', padding) + "\n";
        if (headerText.Length > ushort.MaxValue)
            throw new ArgumentException($"Shape {Tensor.ShapeString(tensor.Shape)} makes a .npy v1 header longer than 65535 bytes.", nameof(tensor));

        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[10];
            Magic.CopyTo(prefix);
            prefix[6] = 1;
            prefix[7] = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(prefix[8..], (ushort)headerText.Length);
            stream.Write(prefix);
            stream.Write(System.Text.Encoding.Latin1.GetBytes(headerText));
            var chunk = new byte[1 << 16];
            var data = tensor.Data;
            for (int start = 0; start < data.Length;)
            {
                int n = Math.Min(chunk.Length / sizeof(float), data.Length - start);
                for (int i = 0; i < n; i++)
                    BinaryPrimitives.WriteSingleLittleEndian(chunk.AsSpan(i * sizeof(float)), data[start + i]);
                stream.Write(chunk, 0, n * sizeof(float));
                start += n;
            }
        });
    }
}
