using Nabla.Configuration;
using System.Buffers.Binary;
using System.Numerics;
using Nabla.Data;

namespace Nabla.Serialization.TensorBoard;

/// <summary>
/// TFRecord framing, the container of TensorBoard event files: u64 little-endian length, u32 masked
/// CRC32C of those 8 bytes, the data, u32 masked CRC32C of the data. Masking keeps a CRC of data that
/// itself embeds CRCs from being trivially related to it (TensorFlow's crc32c::Mask).
/// </summary>
internal static class TfRecord
{
    private const uint MaskDelta = 0xa282ead8;

    public const int HeaderBytes = 12;
    public const int FooterBytes = 4;

    /// <summary>Standard CRC-32C (Castagnoli, reflected, initial value and final xor 0xFFFFFFFF).
    /// <see cref="BitOperations.Crc32C(uint, ulong)"/> is the bare hardware step, so the caller applies both.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        int i = 0;
        for (; i + 8 <= data.Length; i += 8) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
        for (; i < data.Length; i++) crc = BitOperations.Crc32C(crc, data[i]);
        return ~crc;
    }

    public static uint MaskedCrc(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32C(data);
        return ((crc >> 15) | (crc << 17)) + MaskDelta;
    }

    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[HeaderBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc(header[..8]));
        Span<byte> footer = stackalloc byte[FooterBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Splits a whole file into records, checking both CRCs of each; a truncated or corrupt
    /// record throws with its byte offset.</summary>
    public static List<byte[]> ReadAll(ReadOnlySpan<byte> file, string path)
    {
        var records = new List<byte[]>();
        long offset = 0;
        while (offset < file.Length)
        {
            var rest = file[(int)offset..];
            if (rest.Length < HeaderBytes)
                throw DataFormatException.AtOffset(path, offset, $"a {HeaderBytes}-byte record header", $"{rest.Length} bytes left");
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]);
            if (lengthCrc != MaskedCrc(rest[..8]))
                throw DataFormatException.AtOffset(path, offset, $"length CRC 0x{MaskedCrc(rest[..8]):x8}", $"0x{lengthCrc:x8}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(rest);
            if (length > (ulong)(rest.Length - HeaderBytes - FooterBytes))
                throw DataFormatException.AtOffset(path, offset,
                    $"a record of at most {Math.Max(0, rest.Length - HeaderBytes - FooterBytes)} bytes", $"length {length}");
            var data = rest.Slice(HeaderBytes, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(rest[(HeaderBytes + (int)length)..]);
            if (dataCrc != MaskedCrc(data))
                throw DataFormatException.AtOffset(path, offset + HeaderBytes, $"data CRC 0x{MaskedCrc(data):x8}", $"0x{dataCrc:x8}");
            records.Add(data.ToArray());
            offset += HeaderBytes + (long)length + FooterBytes;
        }
        return records;
    }
}
