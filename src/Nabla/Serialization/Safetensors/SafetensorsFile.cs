using Nabla.Configuration;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Nabla.Data;

namespace Nabla.Serialization.Safetensors;

/// <summary>What a safetensors file holds: tensors by name and the <c>__metadata__</c> strings.</summary>
public sealed record SafetensorsContent(
    IReadOnlyDictionary<string, Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Reads and writes the safetensors format (huggingface/safetensors): an 8-byte little-endian header
/// size N, N bytes of JSON header (padded with spaces to a multiple of 8 so the data is aligned), then
/// the row-major little-endian tensor bytes. Nabla writes F32 tensors in name order (the reference
/// writer's order for a single dtype) and reads F32, F16, BF16 and F64 (converted to float32).
/// </summary>
public static class SafetensorsFile
{
    /// <summary>Writes the tensors atomically (readers never see a partial file).</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        CheckNames(tensors);
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));
    }

    /// <summary>Reads every tensor, after checking the whole header against the file's length.</summary>
    public static SafetensorsContent Read(string path) => Read(path, null);

    /// <summary>Reads every tensor; the decoded float32 tensors together may take at most
    /// <see cref="Data.DataReadOptions.MaxBytes"/>, checked before any is allocated.</summary>
    public static SafetensorsContent Read(string path, Data.DataReadOptions? options)
    {
        Nabla.Data.DataFile.RequireExists(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Read(stream, stream.Length, path, options);
    }

    internal static void Write(Stream stream, IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        CheckNames(tensors);
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        byte[] header = BuildHeader(ordered, metadata);
        Span<byte> size = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(size, (ulong)header.Length);
        stream.Write(size);
        stream.Write(header);
        foreach (var (_, tensor) in ordered) WriteFloats(stream, tensor.Data);
    }

    internal static SafetensorsContent Read(Stream stream, long length, string path, Data.DataReadOptions? options = null)
    {
        options ??= Data.DataReadOptions.Default;
        options.Validate();
        if (length < 8)
            throw DataFormatException.InFile(path, "at least 8 bytes (the header size)", $"{length} bytes");
        Span<byte> sizeBytes = stackalloc byte[8];
        stream.ReadExactly(sizeBytes);
        ulong headerSize = BinaryPrimitives.ReadUInt64LittleEndian(sizeBytes);
        if (headerSize > SafetensorsHeader.MaxHeaderBytes)
            throw DataFormatException.AtOffset(path, 0,
                $"a header size of at most {SafetensorsHeader.MaxHeaderBytes} bytes (the format's limit)", $"{headerSize}");
        if (headerSize > (ulong)(length - 8))
            throw DataFormatException.AtOffset(path, 0,
                $"a header size within the file's {length - 8} bytes after the size field", $"{headerSize}");

        byte[] header = new byte[headerSize];
        stream.ReadExactly(header);
        long bufferLength = length - 8 - (long)headerSize;
        var (entries, metadata) = SafetensorsHeader.Parse(header, bufferLength, path);

        long decodedBytes = entries.Sum(e => (long)e.ElementCount * sizeof(float));
        if (decodedBytes > options.MaxBytes)
            throw DataFormatException.InFile(path, $"at most {options.MaxBytes} bytes of float32 tensors (DataReadOptions.MaxBytes)",
                $"{entries.Count} tensors of {decodedBytes} bytes as float32");

        // The layout check guarantees the entries tile the buffer, so reading them in offset order is sequential.
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        byte[] scratch = [];
        foreach (var entry in entries.OrderBy(e => e.Begin))
        {
            var data = new float[entry.ElementCount];
            if (entry.DType == SafetensorsDType.Float32 && BitConverter.IsLittleEndian)
                stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            else
            {
                // Decoded a slice at a time: a tensor's bytes may exceed what one array holds.
                SafetensorsDType.TryGetSize(entry.DType, out int elementSize);
                int perSlice = Math.Max(1, DecodeSliceBytes / elementSize);
                if (scratch.Length < perSlice * elementSize) scratch = new byte[perSlice * elementSize];
                for (int done = 0; done < data.Length; done += perSlice)
                {
                    int n = Math.Min(perSlice, data.Length - done);
                    stream.ReadExactly(scratch, 0, n * elementSize);
                    SafetensorsDType.Decode(entry.DType, scratch.AsSpan(0, n * elementSize), data.AsSpan(done, n));
                }
            }
            tensors[entry.Name] = Tensor.FromArray(data, entry.Shape);
        }
        return new SafetensorsContent(tensors, metadata);
    }

    private const int DecodeSliceBytes = 1 << 20;

    private static void CheckNames(IReadOnlyDictionary<string, Tensor> tensors)
    {
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("Safetensors tensor names must be non-empty.", nameof(tensors));
            if (name == SafetensorsHeader.MetadataKey)
                throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata and cannot name a tensor.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, $"tensors['{name}']");
        }
    }

    /// <summary>The JSON header, padded with spaces so that 8 + its length is a multiple of 8.</summary>
    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in ordered)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.Float32);
                json.WriteStartArray("shape");
                foreach (int d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                long end = offset + 4L * tensor.Size;
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }

    private static void WriteFloats(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }
        Span<byte> one = stackalloc byte[4];
        foreach (float v in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(one, v);
            stream.Write(one);
        }
    }
}
