using System.Buffers.Binary;
using System.Text;
using Nabla.Data;
using Nabla.Serialization.TensorBoard;
using Nabla.Serialization.TensorBoard.Proto;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization;

/// <summary>TFRecord framing, CRC32C and the event file writer/reader pair.</summary>
public class TfRecordTests
{
    [Fact]
    public void Crc32CMatchesTheStandardCheckValue()
    {
        // The CRC-32C check value: crc32c("123456789") = 0xE3069283 (RFC 3720, appendix B.4 test vectors).
        Assert.Equal(0xE3069283u, TfRecord.Crc32C(Encoding.ASCII.GetBytes("123456789")));
        Assert.Equal(0u, TfRecord.Crc32C([]));
        // 32 zero bytes: 0x8A9136AA (RFC 3720 B.4).
        Assert.Equal(0x8A9136AAu, TfRecord.Crc32C(new byte[32]));
    }

    [Fact]
    public void RecordFramingIsLengthMaskedCrcDataMaskedCrc()
    {
        using var stream = new MemoryStream();
        byte[] data = Encoding.ASCII.GetBytes("hello");
        TfRecord.Write(stream, data);
        byte[] bytes = stream.ToArray();
        Assert.Equal(8 + 4 + 5 + 4, bytes.Length);
        Assert.Equal(5ul, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        uint crc = TfRecord.Crc32C(bytes.AsSpan(0, 8));
        // TensorFlow's mask: rotate right by 15, add 0xa282ead8.
        Assert.Equal(((crc >> 15) | (crc << 17)) + 0xa282ead8u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(data, bytes[12..17]);
        Assert.Equal(TfRecord.MaskedCrc(data), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(17)));
    }

    [Fact]
    public void WriterStartsWithTheFileVersionEventAndReaderDecodesScalarsAndHistograms()
    {
        using var folder = new TempFolder();
        string path;
        using (var writer = new EventFileWriter(folder.Path))
        {
            writer.WriteScalar("epoch_loss", 3, 0.25);
            writer.WriteHistogram("dense/kernel/histogram", 3, [1f, 2f, 2f, 5f]);
            path = writer.Path;
        }
        Assert.Matches(@"^events\.out\.tfevents\.\d+\..+\.\d+\.v2$", Path.GetFileName(path));
        var events = TensorBoardEvents.Read(path);
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        Assert.Equal([(3L, 0.25f)], TensorBoardEvents.Scalars(events, "epoch_loss"));
        var histo = events[2].Summary.Value[0].Histo;
        Assert.Equal((1.0, 5.0, 4.0, 10.0, 34.0), (histo.Min, histo.Max, histo.Num, histo.Sum, histo.SumSquares));
        Assert.Equal(4.0, histo.Bucket.Sum());
        Assert.Equal(5.0, histo.BucketLimit[^1]);
    }

    [Fact]
    public void HistogramOfEqualValuesHasOneBucketAndSkipsNonFiniteValues()
    {
        var histo = Histogram.From([2f, 2f, float.NaN, 2f]);
        Assert.Equal([2.0], histo.BucketLimit);
        Assert.Equal([3.0], histo.Bucket);
        Assert.Equal(3.0, histo.Num);
        var spread = Histogram.From([0f, 1f, 2f, 3f]);
        Assert.Equal(Histogram.DefaultBuckets, spread.Bucket.Count);
        Assert.Equal(1.0, spread.Bucket[0]);
        Assert.Equal(1.0, spread.Bucket[^1]);
    }

    private static string WrittenFile(TempFolder folder)
    {
        using var writer = new EventFileWriter(folder.Path);
        writer.WriteScalar("epoch_loss", 0, 1.5);
        return writer.Path;
    }

    [Fact]
    public void FlippedDataByteIsReportedAsADataCrcMismatchWithItsOffset()
    {
        using var folder = new TempFolder();
        string path = WrittenFile(folder);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^6] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<DataFormatException>(() => TensorBoardEvents.Read(path));
        Assert.Contains("data CRC", e.Message);
        Assert.NotNull(e.Offset);
    }

    [Fact]
    public void CorruptLengthAndTruncatedRecordsAreRejected()
    {
        using var folder = new TempFolder();
        string path = WrittenFile(folder);
        byte[] bytes = File.ReadAllBytes(path);

        var badLength = (byte[])bytes.Clone();
        badLength[0] ^= 1;
        File.WriteAllBytes(path, badLength);
        Assert.Contains("length CRC", Assert.Throws<DataFormatException>(() => TensorBoardEvents.Read(path)).Message);

        File.WriteAllBytes(path, bytes[..^3]);
        Assert.Contains("a record of at most", Assert.Throws<DataFormatException>(() => TensorBoardEvents.Read(path)).Message);

        File.WriteAllBytes(path, [.. bytes, 1, 2, 3]);
        Assert.Contains("12-byte record header", Assert.Throws<DataFormatException>(() => TensorBoardEvents.Read(path)).Message);
    }
}
