using System.Buffers.Binary;
using System.Text;
using Nabla.Data;
using Nabla.Serialization.Safetensors;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization;

/// <summary>The safetensors layout (huggingface/safetensors README) and every header check, one by one.</summary>
public class SafetensorsFileTests
{
    private static Tensor Counting(params int[] shape)
    {
        var t = new Tensor(shape);
        for (int i = 0; i < t.Size; i++) t.Data[i] = i * 0.5f - 1;
        return t;
    }

    /// <summary>A file from a literal header and buffer, as another writer could produce it.</summary>
    private static byte[] FileBytes(string header, byte[] buffer, ulong? declaredSize = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + buffer.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, declaredSize ?? (ulong)json.Length);
        json.CopyTo(bytes, 8);
        buffer.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static DataFormatException ReadFails(TempFolder folder, byte[] bytes)
    {
        string path = folder.Write("bad.safetensors", bytes);
        var e = Assert.Throws<DataFormatException>(() => SafetensorsFile.Read(path));
        Assert.Contains(path, e.Message);
        return e;
    }

    [Fact]
    public void RoundTripKeepsNamesShapesValuesAndMetadata()
    {
        using var folder = new TempFolder();
        var tensors = new Dictionary<string, Tensor>
        {
            ["dense/kernel"] = Counting(3, 2), ["dense/bias"] = Counting(2), ["scalar"] = Counting(), ["empty"] = Counting(0, 4),
        };
        string path = folder.File("w.safetensors");
        SafetensorsFile.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var read = SafetensorsFile.Read(path);
        Assert.Equal(tensors.Keys.Order(), read.Tensors.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(tensor.Shape, read.Tensors[name].Shape);
            Assert.Equal(tensor.Data, read.Tensors[name].Data);
        }
        Assert.Equal("pt", read.Metadata["format"]);
    }

    [Fact]
    public void HeaderIsSpacePaddedToEightBytesAndTensorsAreSortedByName()
    {
        using var folder = new TempFolder();
        string path = folder.File("w.safetensors");
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["b"] = Counting(3), ["a"] = Counting(1) });
        byte[] bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        // The format pads the header with spaces so the buffer starts 8-byte aligned.
        Assert.Equal(0, (8 + n) % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.EndsWith("}", header.TrimEnd(' '));
        Assert.Contains("\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}", header);
        Assert.Contains("\"b\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[4,16]}", header);
        Assert.Equal(8 + n + 16, bytes.Length);
        Assert.Equal(-1f, BitConverter.ToSingle(bytes, (int)(8 + n))); // "a" comes first in the buffer
    }

    [Fact]
    public void HalfBfloatAndDoubleTensorsAreConvertedToFloat32()
    {
        using var folder = new TempFolder();
        var buffer = new byte[2 + 2 + 8];
        BinaryPrimitives.WriteHalfLittleEndian(buffer, (Half)1.5);
        BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(2), (ushort)(BitConverter.SingleToInt32Bits(-2.25f) >> 16));
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(4), 0.1);
        string header = """{"h":{"dtype":"F16","shape":[1],"data_offsets":[0,2]},"b":{"dtype":"BF16","shape":[1],"data_offsets":[2,4]},"d":{"dtype":"F64","shape":[1],"data_offsets":[4,12]}}""";
        var read = SafetensorsFile.Read(folder.Write("x.safetensors", FileBytes(header, buffer)));
        Assert.Equal(1.5f, read.Tensors["h"].Data[0]);
        Assert.Equal(-2.25f, read.Tensors["b"].Data[0]);
        Assert.Equal(0.1f, read.Tensors["d"].Data[0]);
    }

    [Fact]
    public void FileShorterThanTheSizeFieldIsRejected()
    {
        using var folder = new TempFolder();
        Assert.Contains("at least 8 bytes", ReadFails(folder, [1, 2, 3]).Message);
    }

    [Fact]
    public void HeaderSizeBeyondTheFileOrTheFormatLimitIsRejectedBeforeAllocating()
    {
        using var folder = new TempFolder();
        Assert.Contains("within the file", ReadFails(folder, FileBytes("{}", [], declaredSize: 1000)).Message);
        // 100 MB is the reference implementation's header limit.
        Assert.Contains("100000000", ReadFails(folder, FileBytes("{}", [], declaredSize: 100_000_001)).Message);
    }

    [Theory]
    [InlineData("{\"a\": ", "invalid JSON")]
    [InlineData("[1, 2]", "a JSON object")]
    [InlineData("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", "a 'dtype' field")]
    [InlineData("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,4]}}", "\"I64\"")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", "'shape'[0]")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", "[begin, end]")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", "8 bytes for F32 shape [2]")]
    [InlineData("{\"__metadata__\":{\"k\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "__metadata__['k']")]
    [InlineData("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "the name twice")]
    public void MalformedHeadersNameTheFieldAndWhatWasFound(string header, string expectedInMessage)
    {
        using var folder = new TempFolder();
        Assert.Contains(expectedInMessage, ReadFails(folder, FileBytes(header, new byte[4])).Message);
    }

    [Fact]
    public void InvalidUtf8InTheHeaderIsRejected()
    {
        using var folder = new TempFolder();
        byte[] bytes = FileBytes("{\"a\":1}", []);
        bytes[10] = 0xFF;
        Assert.Contains("UTF-8", ReadFails(folder, bytes).Message);
    }

    [Theory]
    [InlineData("[0,4]", "[2,6]", 6, "overlaps")]
    [InlineData("[0,4]", "[8,12]", 12, "gap")]
    [InlineData("[0,4]", "[4,8]", 6, "within the 6-byte buffer")]
    [InlineData("[0,4]", "[4,8]", 12, "8 bytes (the end of the last tensor)")]
    [InlineData("[4,8]", "[8,12]", 12, "to start at 0")]
    public void OffsetsMustTileTheBufferExactly(string first, string second, int bufferBytes, string expectedInMessage)
    {
        using var folder = new TempFolder();
        string header = $"{{\"x\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{first}}},\"y\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":{second}}}}}";
        Assert.Contains(expectedInMessage, ReadFails(folder, FileBytes(header, new byte[bufferBytes])).Message);
    }

    [Fact]
    public void ReservedOrEmptyNamesCannotBeWritten()
    {
        using var folder = new TempFolder();
        string path = folder.File("w.safetensors");
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["__metadata__"] = Counting(1) }));
        Assert.Throws<ArgumentException>(() => SafetensorsFile.Write(path, new Dictionary<string, Tensor> { [""] = Counting(1) }));
        Assert.False(File.Exists(path));
    }
}
