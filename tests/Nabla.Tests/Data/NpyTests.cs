using System.Buffers.Binary;
using System.Text;
using Nabla.Data;

namespace Nabla.Tests.Data;

public class NpyTests : IDisposable
{
    // Written by numpy 1.24.2: np.lib.format.write_array(f, np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, 255.0]], dtype='<f4')).
    private const string NumpyFloat32 =
        "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c000005040000000006f12833a00007f43";

    // Written by numpy 1.24.2: np.array([1, 2, 300], dtype='>i8') (big-endian int64).
    private const string NumpyBigEndianInt64 =
        "934e554d5059010076007b276465736372273a20273e6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00000000000000010000000000000002000000000000012c";

    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>Builds a .npy file of any version from a header dict and raw data, padded as NumPy does.</summary>
    private static byte[] Build(string dict, byte[] data, int major = 1)
    {
        int prefix = major == 1 ? 10 : 12;
        int pad = (64 - (prefix + dict.Length + 1) % 64) % 64;
        byte[] header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(dict + new string(' ', pad) + "\n");
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        var length = new byte[major == 1 ? 2 : 4];
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)header.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)header.Length);
        bytes.AddRange(length);
        bytes.AddRange(header);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    private static string Dict(string descr, string shape, string fortran = "False") =>
        $"{{'descr': '{descr}', 'fortran_order': {fortran}, 'shape': {shape}, }}";

    [Fact]
    public void ReadsAFileWrittenByNumPy()
    {
        var t = Npy.Load(folder.Write("a.npy", Convert.FromHexString(NumpyFloat32)));
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        Assert.Equal(new[] { 1.5f, -2f, 3.25f, 0f, 1e-3f, 255f }, t.Data);
    }

    [Fact]
    public void ReadsBigEndianInt64WrittenByNumPy()
    {
        var t = Npy.Load(folder.Write("b.npy", Convert.FromHexString(NumpyBigEndianInt64)));
        Assert.Equal(new[] { 3 }, t.Shape);
        Assert.Equal(new float[] { 1, 2, 300 }, t.Data);
    }

    [Fact]
    public void SaveWritesExactlyWhatNumPyWrites()
    {
        var t = Tensor.FromArray([1.5f, -2f, 3.25f, 0f, 1e-3f, 255f], 2, 3);
        string path = folder.File("saved.npy");
        Npy.Save(path, t);
        Assert.Equal(NumpyFloat32, Convert.ToHexStringLower(File.ReadAllBytes(path)));
        Assert.Empty(Directory.GetFiles(folder.Path, "*.partial"));
    }

    [Fact]
    public void SaveAndLoadRoundTripAndReplaceAnExistingFile()
    {
        string path = folder.File("r.npy");
        File.WriteAllText(path, "old content");
        var t = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 2, 2, 2);
        Npy.Save(path, t);
        var back = Npy.Load(path);
        Assert.Equal(t.Shape, back.Shape);
        Assert.Equal(t.Data, back.Data);

        Npy.Save(path, Tensor.Scalar(4.5f));
        var scalar = Npy.Load(path);
        Assert.Empty(scalar.Shape);
        Assert.Equal(4.5f, scalar.Item());
    }

    [Theory]
    [InlineData("<f8", 8)]
    [InlineData("|u1", 1)]
    [InlineData("<i4", 4)]
    [InlineData("<i8", 8)]
    [InlineData(">f4", 4)]
    [InlineData(">i4", 4)]
    [InlineData("|b1", 1)]
    public void ReadsEverySupportedDtype(string descr, int size)
    {
        float[] expected = descr == "|b1" ? [1, 0, 1] : [1, 0, 7];
        var data = new byte[3 * size];
        bool big = descr[0] == '>';
        for (int i = 0; i < 3; i++)
        {
            var slot = data.AsSpan(i * size, size);
            switch (descr[1..])
            {
                case "f8": BinaryPrimitives.WriteDoubleLittleEndian(slot, expected[i]); break;
                case "f4": BinaryPrimitives.WriteSingleBigEndian(slot, expected[i]); break;
                case "i4" when big: BinaryPrimitives.WriteInt32BigEndian(slot, (int)expected[i]); break;
                case "i4": BinaryPrimitives.WriteInt32LittleEndian(slot, (int)expected[i]); break;
                case "i8": BinaryPrimitives.WriteInt64LittleEndian(slot, (long)expected[i]); break;
                default: slot[0] = descr == "|b1" ? (byte)(expected[i] != 0 ? 1 : 0) : (byte)expected[i]; break;
            }
        }
        var t = Npy.Load(folder.Write("d.npy", Build(Dict(descr, "(3,)"), data)));
        Assert.Equal(expected, t.Data);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ReadsVersionsTwoAndThree(int major)
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 2.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -1f);
        var t = Npy.Load(folder.Write("v.npy", Build(Dict("<f4", "(1, 2)"), data, major)));
        Assert.Equal(new[] { 1, 2 }, t.Shape);
        Assert.Equal(new[] { 2.5f, -1f }, t.Data);
    }

    [Fact]
    public void RefusesFortranOrderSayingHowToFixIt()
    {
        var e = Assert.Throws<DataFormatException>(() =>
            Npy.Load(folder.Write("f.npy", Build(Dict("<f4", "(2, 2)", "True"), new byte[16]))));
        Assert.Contains("f.npy", e.Message);
        Assert.Contains("'fortran_order': True", e.Found);
        Assert.Contains("ascontiguousarray", e.Expected);
    }

    [Fact]
    public void RefusesObjectDtype()
    {
        var e = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("o.npy", Build(Dict("|O", "(2,)"), new byte[16]))));
        Assert.Contains("'|O'", e.Found);
        Assert.Contains("object", e.Expected);
        Assert.Equal(10 + "{'descr': ".Length, e.Offset);
    }

    [Fact]
    public void RefusesUnsupportedAndStructuredDtypesListingTheSupportedOnes()
    {
        var complex = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("c.npy", Build(Dict("<c16", "(1,)"), new byte[16]))));
        Assert.Contains("'<f4'", complex.Expected);
        Assert.Contains("'<c16'", complex.Found);

        string structured = "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }";
        var e = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("s.npy", Build(structured, new byte[4]))));
        Assert.Contains("structured", e.Found);
    }

    [Fact]
    public void RefusesMalformedHeaders()
    {
        var badShape = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("1.npy", Build(Dict("<f4", "(2, x)"), new byte[8]))));
        Assert.Contains("integer dimension", badShape.Expected);

        var missing = Assert.Throws<DataFormatException>(() =>
            Npy.Load(folder.Write("2.npy", Build("{'descr': '<f4', 'shape': (1,), }", new byte[4]))));
        Assert.Contains("'fortran_order'", missing.Found);

        var unknown = Assert.Throws<DataFormatException>(() =>
            Npy.Load(folder.Write("3.npy", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", new byte[4]))));
        Assert.Contains("'extra'", unknown.Found);
    }

    [Fact]
    public void RefusesBadMagicAndVersion()
    {
        var magic = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("m.npy", Encoding.ASCII.GetBytes("PK\x03\x04 not an npy file"))));
        Assert.Equal(0, magic.Offset);
        Assert.Contains("\\x93NUMPY", magic.Expected);

        var bytes = Build(Dict("<f4", "(1,)"), new byte[4]);
        bytes[6] = 9;
        var version = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("v.npy", bytes)));
        Assert.Equal(6, version.Offset);
        Assert.Contains("version 9", version.Found);
    }

    [Fact]
    public void RefusesHeaderLengthBeyondTheFile()
    {
        var bytes = Build(Dict("<f4", "(1,)"), new byte[4]);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 60000);
        var e = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("h.npy", bytes)));
        Assert.Equal(8, e.Offset);
        Assert.Contains("60000", e.Found);
    }

    [Fact]
    public void RefusesDataLengthThatDisagreesWithTheShape()
    {
        var e = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("l.npy", Build(Dict("<f4", "(3, 2)"), new byte[20]))));
        Assert.Contains("24 bytes", e.Expected);
        Assert.Contains("20 bytes", e.Found);
        Assert.Equal(128, e.Offset); // the 59-character dict pads the header to 128 bytes
    }

    [Fact]
    public void HostileShapeFailsFastWithoutAllocating()
    {
        string path = folder.Write("hostile.npy", Build(Dict("<f4", "(1000000, 1000000)"), new byte[16]));
        Npy.Load(folder.Write("warm.npy", Build(Dict("<f4", "(1,)"), new byte[4])));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => Npy.Load(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("[1000000, 1000000]", e.Found);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes while refusing the header");
    }

    [Fact]
    public void InfinityIsRefusedWithItsOffset()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), float.PositiveInfinity);
        var e = Assert.Throws<DataFormatException>(() => Npy.Load(folder.Write("inf.npy", Build(Dict("<f4", "(2,)"), data))));
        Assert.Equal(128 + 4, e.Offset); // header padded to 128 bytes, then element 1
    }
}
