using Nabla.Configuration;
using Nabla.Serialization.TensorBoard.Proto;

namespace Nabla.Serialization.TensorBoard;

/// <summary>
/// Builds a <see cref="HistogramProto"/> with equal-width buckets between the smallest and largest
/// value, as TensorFlow 2's <c>tf.summary.histogram</c> does (30 buckets by default). Non-finite values
/// are left out of the buckets and statistics so one NaN does not erase the picture.
/// </summary>
internal static class Histogram
{
    /// <summary>tf.summary.histogram's default bucket count.</summary>
    public const int DefaultBuckets = 30;

    public static HistogramProto From(ReadOnlySpan<float> values, int bucketCount = DefaultBuckets)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        long count = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sumSquares += (double)v * v;
            count++;
        }
        var histogram = new HistogramProto { Num = count, Sum = sum, SumSquares = sumSquares };
        if (count == 0) return histogram;
        histogram.Min = min;
        histogram.Max = max;
        // All values equal: one bucket ending at that value.
        int buckets = max > min ? bucketCount : 1;
        double width = (max - min) / buckets;
        var counts = new double[buckets];
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) continue;
            int b = width > 0 ? (int)((v - min) / width) : 0;
            counts[Math.Min(b, buckets - 1)]++;
        }
        for (int b = 0; b < buckets; b++)
        {
            histogram.BucketLimit.Add(b == buckets - 1 ? max : min + (b + 1) * width);
            histogram.Bucket.Add(counts[b]);
        }
        return histogram;
    }
}
