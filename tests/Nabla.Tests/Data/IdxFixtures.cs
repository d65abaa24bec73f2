using System.Buffers.Binary;
using System.IO.Compression;

namespace Nabla.Tests.Data;

/// <summary>Builds IDX files byte by byte, independently of the reader under test.</summary>
public static class IdxFixtures
{
    public static byte[] Header(byte dtype, params uint[] dims)
    {
        var bytes = new byte[4 + 4 * dims.Length];
        bytes[2] = dtype;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        return bytes;
    }

    public static byte[] UByte(byte[] values, params uint[] dims) => [.. Header(0x08, dims), .. values];

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(raw);
        return output.ToArray();
    }
}
