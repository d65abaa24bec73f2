using System.Buffers.Binary;
using Nabla.Data;
using static Nabla.Tests.Data.IdxFixtures;

namespace Nabla.Tests.Data;

public class IdxTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public void ReadsUnsignedBytesWithTheirShape()
    {
        string path = folder.Write("x.idx", UByte([0, 1, 2, 128, 254, 255], 2, 3));
        var t = Idx.Load(path);
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        Assert.Equal(new float[] { 0, 1, 2, 128, 254, 255 }, t.Data);
    }

    [Fact]
    public void ReadsGzipRecognizedByContentNotName()
    {
        string path = folder.Write("labels.bin", Gzip(UByte([7, 3, 9], 3)));
        Assert.Equal(new float[] { 7, 3, 9 }, Idx.Load(path).Data);
    }

    [Fact]
    public void ReadsEverySignedAndFloatingTypeBigEndian()
    {
        // sbyte 0x09
        Assert.Equal(new float[] { -128, -1, 127 }, Idx.Load(folder.Write("s.idx", [.. Header(0x09, 3), 0x80, 0xFF, 0x7F])).Data);

        // short 0x0B: -2 = 0xFFFE, 300 = 0x012C
        Assert.Equal(new float[] { -2, 300 }, Idx.Load(folder.Write("h.idx", [.. Header(0x0B, 2), 0xFF, 0xFE, 0x01, 0x2C])).Data);

        // int 0x0C
        var ints = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(ints, -70000);
        BinaryPrimitives.WriteInt32BigEndian(ints.AsSpan(4), 123456);
        Assert.Equal(new float[] { -70000, 123456 }, Idx.Load(folder.Write("i.idx", [.. Header(0x0C, 2), .. ints])).Data);

        // float 0x0D
        var floats = new byte[8];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1.5f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), -0.25f);
        Assert.Equal(new float[] { 1.5f, -0.25f }, Idx.Load(folder.Write("f.idx", [.. Header(0x0D, 1, 2), .. floats])).Data);

        // double 0x0E
        var doubles = new byte[8];
        BinaryPrimitives.WriteDoubleBigEndian(doubles, 3.125);
        Assert.Equal(new float[] { 3.125f }, Idx.Load(folder.Write("d.idx", [.. Header(0x0E, 1), .. doubles])).Data);
    }

    [Fact]
    public void RejectsNonZeroMagicPrefix()
    {
        var bytes = UByte([1, 2], 2);
        bytes[1] = 0x01;
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("m.idx", bytes)));
        Assert.Equal(0, e.Offset);
        Assert.Contains("m.idx", e.Message);
        Assert.Contains("two zero bytes", e.Message);
        Assert.Contains("0x00 0x01", e.Message);
    }

    [Fact]
    public void RejectsUnknownDtypeCodeListingTheValidOnes()
    {
        var bytes = UByte([1], 1);
        bytes[2] = 0x0A;
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("t.idx", bytes)));
        Assert.Equal(2, e.Offset);
        Assert.Contains("0x0A", e.Found);
        Assert.Contains("0x0E (double)", e.Expected);
    }

    [Fact]
    public void RejectsDataShorterOrLongerThanDeclared()
    {
        var shorter = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("short.idx", UByte([1, 2, 3], 2, 2))));
        Assert.Equal(12, shorter.Offset);
        Assert.Contains("4 bytes of data", shorter.Expected);
        Assert.Contains("3 bytes", shorter.Found);

        var longer = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("long.idx", UByte([1, 2, 3, 4, 5], 2, 2))));
        Assert.Contains("5 bytes", longer.Found);
    }

    [Fact]
    public void RejectsTruncatedHeader()
    {
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("h.idx", [0, 0, 8, 3, 0, 0, 0, 2])));
        Assert.Contains("dimension 1 of 3", e.Expected);
        Assert.Equal(8, e.Offset);
    }

    [Fact]
    public void RejectsGzipWithTrailingOrMissingData()
    {
        var more = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("more.gz", Gzip(UByte([1, 2, 3], 2)))));
        Assert.Contains("end of data", more.Expected);
        Assert.Equal(10, more.Offset);

        var less = Assert.Throws<DataFormatException>(() => Idx.Load(folder.Write("less.gz", Gzip(UByte([1, 2, 3], 5)))));
        Assert.Contains("end of data after 3", less.Found);
    }

    [Theory]
    [InlineData(false, DataReadOptions.DefaultMaxBytes)]
    [InlineData(true, DataReadOptions.DefaultMaxBytes)]
    [InlineData(false, long.MaxValue)] // without the cap, the file length contradicts the header
    [InlineData(true, long.MaxValue)]  // without the cap, no gzip this small can inflate that far
    public void HostileHeaderDeclaringTrillionElementsFailsFastWithoutAllocating(bool gzip, long maxBytes)
    {
        // 10^6 x 10^6 ubyte = 10^12 elements, followed by a few bytes only.
        byte[] raw = UByte([1, 2, 3, 4], 1_000_000, 1_000_000);
        string path = folder.Write("hostile.idx", gzip ? Gzip(raw) : raw);
        Idx.Load(folder.Write("warmup.idx", UByte([1], 1))); // JIT and statics out of the measurement

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(path, new DataReadOptions { MaxBytes = maxBytes }));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Contains("1000000000000", e.Message);
        Assert.True(allocated < 1 << 20, $"allocated {allocated} bytes while refusing the header");
    }

    [Fact]
    public void SizeCapIsConfigurable()
    {
        string path = folder.Write("x.idx", UByte(new byte[100], 100));
        Assert.Equal(100, Idx.Load(path).Size);
        var e = Assert.Throws<DataFormatException>(() => Idx.Load(path, new DataReadOptions { MaxBytes = 50 }));
        Assert.Contains("MaxBytes", e.Expected);
    }

    [Fact]
    public void NaNIsAnErrorWithItsOffsetUnlessAllowed()
    {
        var floats = new byte[12];
        BinaryPrimitives.WriteSingleBigEndian(floats, 1f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(4), 2f);
        BinaryPrimitives.WriteSingleBigEndian(floats.AsSpan(8), float.NaN);
        string path = folder.Write("nan.idx", [.. Header(0x0D, 3), .. floats]);

        var e = Assert.Throws<DataFormatException>(() => Idx.Load(path));
        Assert.Equal(8 + 8, e.Offset);
        Assert.Contains("element 2", e.Found);

        var t = Idx.Load(path, new DataReadOptions { AllowNonFinite = true });
        Assert.True(float.IsNaN(t.Data[2]));
    }
}
