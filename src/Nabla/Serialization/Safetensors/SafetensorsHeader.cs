using Nabla.Configuration;
using System.Text.Json;
using Nabla.Data;

namespace Nabla.Serialization.Safetensors;

/// <summary>One tensor's header entry; offsets are relative to the start of the byte buffer.</summary>
internal sealed record SafetensorsEntry(string Name, string DType, int[] Shape, int ElementCount, long Begin, long End);

/// <summary>
/// Parses and checks a safetensors JSON header against the rules of the format (huggingface/safetensors):
/// unique names, a string-to-string <c>__metadata__</c>, byte lengths matching shape × dtype size, and
/// tensors that tile the byte buffer exactly (no gap, no overlap, nothing past its end). Everything is
/// checked before any tensor is allocated.
/// </summary>
internal static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation refuses headers above 100 MB so a hostile file cannot make it parse huge JSON.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        byte[] header, long bufferLength, string path)
    {
        // JsonDocument checks UTF-8 only in strings it decodes, so check the whole header first.
        if (!System.Text.Unicode.Utf8.IsValid(header))
            throw DataFormatException.AtField(path, "header", "UTF-8 JSON", "bytes that are not valid UTF-8");
        JsonDocument document;
        try { document = JsonDocument.Parse(header); }
        catch (JsonException e)
        {
            throw DataFormatException.AtField(path, "header", "a UTF-8 JSON object", $"invalid JSON or UTF-8 ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw DataFormatException.AtField(path, "header", "a JSON object", $"a JSON {root.ValueKind}");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw DataFormatException.AtField(path, $"header key '{property.Name}'", "unique names", "the name twice");
                if (property.Name == MetadataKey) ReadMetadata(property.Value, metadata, path);
                else entries.Add(ReadEntry(property.Name, property.Value, path));
            }
            CheckLayout(entries, bufferLength, path);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw DataFormatException.AtField(path, MetadataKey, "an object of strings", $"a JSON {value.ValueKind}");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw DataFormatException.AtField(path, $"{MetadataKey}['{item.Name}']", "a string", $"a JSON {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw DataFormatException.AtField(path, $"{MetadataKey}['{item.Name}']", "unique keys", "the key twice");
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement value, string path)
    {
        string where = $"tensor '{name}'";
        if (value.ValueKind != JsonValueKind.Object)
            throw DataFormatException.AtField(path, where, "an object with dtype, shape and data_offsets", $"a JSON {value.ValueKind}");

        var dtypeElement = Require(value, "dtype", where, path);
        if (dtypeElement.ValueKind != JsonValueKind.String)
            throw DataFormatException.AtField(path, $"{where} 'dtype'", "a string", $"a JSON {dtypeElement.ValueKind}");
        string dtype = dtypeElement.GetString()!;
        if (!SafetensorsDType.TryGetSize(dtype, out int elementSize))
            throw DataFormatException.AtField(path, $"{where} 'dtype'",
                $"one of the dtypes Nabla reads ({string.Join(", ", SafetensorsDType.Readable)})", $"\"{dtype}\"");

        int[] shape = ReadIntegers(Require(value, "shape", where, path), $"{where} 'shape'", path)
            .Select(d => d <= int.MaxValue ? (int)d
                : throw DataFormatException.AtField(path, $"{where} 'shape'", $"dimensions up to {int.MaxValue}", d.ToString()))
            .ToArray();
        long[] offsets = ReadIntegers(Require(value, "data_offsets", where, path), $"{where} 'data_offsets'", path);
        if (offsets.Length != 2)
            throw DataFormatException.AtField(path, $"{where} 'data_offsets'", "[begin, end]", $"{offsets.Length} numbers");
        if (offsets[1] < offsets[0])
            throw DataFormatException.AtField(path, $"{where} 'data_offsets'", "begin ≤ end", $"[{offsets[0]}, {offsets[1]}]");

        long elements = 1;
        foreach (int d in shape)
        {
            elements *= d;
            if (elements > Array.MaxLength)
                throw DataFormatException.AtField(path, $"{where} 'shape'",
                    $"at most {Array.MaxLength} elements (one float array)", Tensor.ShapeString(shape));
        }
        long bytes = elements * elementSize;
        if (offsets[1] - offsets[0] != bytes)
            throw DataFormatException.AtField(path, where,
                $"{bytes} bytes for {dtype} shape {Tensor.ShapeString(shape)}",
                $"data_offsets [{offsets[0]}, {offsets[1]}] spanning {offsets[1] - offsets[0]} bytes");
        return new SafetensorsEntry(name, dtype, shape, (int)elements, offsets[0], offsets[1]);
    }

    private static JsonElement Require(JsonElement entry, string field, string where, string path) =>
        entry.TryGetProperty(field, out var value)
            ? value
            : throw DataFormatException.AtField(path, where, $"a '{field}' field", "none");

    private static long[] ReadIntegers(JsonElement value, string where, string path)
    {
        if (value.ValueKind != JsonValueKind.Array)
            throw DataFormatException.AtField(path, where, "a list of non-negative integers", $"a JSON {value.ValueKind}");
        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
                throw DataFormatException.AtField(path, $"{where}[{i}]", "a non-negative integer", item.GetRawText());
            result[i++] = n;
        }
        return result;
    }

    /// <summary>Sorted by offset, the tensors must follow each other from byte 0 to the end of the buffer.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long bufferLength, string path)
    {
        long expected = 0;
        string previous = "the start of the buffer";
        foreach (var entry in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            string where = $"tensor '{entry.Name}'";
            if (entry.End > bufferLength)
                throw DataFormatException.AtField(path, $"{where} 'data_offsets'",
                    $"offsets within the {bufferLength}-byte buffer", $"[{entry.Begin}, {entry.End}]");
            if (entry.Begin < expected)
                throw DataFormatException.AtField(path, $"{where} 'data_offsets'",
                    $"to start at {expected}, after {previous}", $"[{entry.Begin}, {entry.End}], which overlaps it");
            if (entry.Begin > expected)
                throw DataFormatException.AtField(path, $"{where} 'data_offsets'",
                    $"to start at {expected}, right after {previous}", $"[{entry.Begin}, {entry.End}], leaving a gap");
            expected = entry.End;
            previous = where;
        }
        if (expected != bufferLength)
            throw DataFormatException.AtField(path, "byte buffer",
                $"{expected} bytes (the end of the last tensor)", $"{bufferLength} bytes after the header");
    }
}
