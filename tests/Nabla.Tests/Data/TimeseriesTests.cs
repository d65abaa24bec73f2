using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary><see cref="Timeseries.DatasetFromArray"/> on the three examples of Keras's timeseries_dataset_from_array
/// docstring (keras/src/utils/timeseries_dataset_utils.py), with the window counts they imply, and Keras's refusals.</summary>
public class TimeseriesTests
{
    private static Tensor Range(int n, int from = 0, int times = 1) =>
        Tensor.FromArray(Enumerable.Range(from, n).Select(i => (float)(i * times)).ToArray(), [n]);

    private static float[] Row(Tensor t, int i)
    {
        int size = t.Size / t.Shape[0];
        return t.Data.AsSpan(i * size, size).ToArray();
    }

    [Fact]
    public void Windows_every_third_step_sampling_every_second_as_kerass_first_example()
    {
        // Steps 0..98, sequence_length 10, sampling_rate 2, sequence_stride 3: [0 2 ... 18], [3 5 ... 21], ...,
        // the last [78 80 ... 96].
        var (inputs, targets) = Timeseries.DatasetFromArray(Range(99), null, sequenceLength: 10, sequenceStride: 3, samplingRate: 2);
        Assert.Null(targets);
        Assert.Equal([27, 10], inputs.Shape);
        Assert.Equal(Enumerable.Range(0, 10).Select(k => (float)(2 * k)), Row(inputs, 0));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => (float)(3 + 2 * k)), Row(inputs, 1));
        Assert.Equal(Enumerable.Range(0, 10).Select(k => (float)(78 + 2 * k)), Row(inputs, 26));
    }

    [Fact]
    public void Each_window_takes_the_target_of_the_step_it_starts_at_as_kerass_second_example()
    {
        // data[:-10] with targets data[10:], sequence_length 10: inputs[0] = data[:10], targets[0] = data[10].
        var data = Tensor.FromArray(Enumerable.Range(0, 100).SelectMany(i => new[] { (float)i, -i }).ToArray(), [100, 2]);
        var input = Tensor.FromArray(data.Data.AsSpan(0, 180).ToArray(), [90, 2]);
        var shifted = Tensor.FromArray(data.Data.AsSpan(20, 180).ToArray(), [90, 2]);
        var (inputs, targets) = Timeseries.DatasetFromArray(input, shifted, sequenceLength: 10);
        Assert.Equal([81, 10, 2], inputs.Shape);
        Assert.Equal([81, 2], targets!.Shape);
        Assert.Equal(data.Data.AsSpan(0, 20).ToArray(), Row(inputs, 0));
        Assert.Equal([10f, -10f], Row(targets, 0));
        Assert.Equal([90f, -90f], Row(targets, 80));
    }

    [Fact]
    public void Non_overlapping_windows_of_inputs_and_targets_line_up_as_kerass_third_example()
    {
        var (x, _) = Timeseries.DatasetFromArray(Range(100), null, sequenceLength: 20, sequenceStride: 20);
        var (y, _) = Timeseries.DatasetFromArray(Range(100, times: 2), null, sequenceLength: 20, sequenceStride: 20);
        Assert.Equal([5, 20], x.Shape);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (float)i), Row(x, 0));
        Assert.Equal(Enumerable.Range(20, 20).Select(i => (float)(2 * i)), Row(y, 1));
    }

    [Fact]
    public void Start_and_end_bound_the_windows_and_shuffling_orders_them_as_numpy()
    {
        var (inputs, targets) = Timeseries.DatasetFromArray(Range(50), Range(50, from: 1000), sequenceLength: 5, startIndex: 10, endIndex: 30);
        Assert.Equal(16, inputs.Shape[0]); // 30 - 10 - 4 windows
        Assert.Equal([10f, 11f, 12f, 13f, 14f], Row(inputs, 0));
        Assert.Equal([1010f], Row(targets!, 0));
        Assert.Equal([25f, 26f, 27f, 28f, 29f], Row(inputs, 15));

        var (shuffled, shuffledTargets) = Timeseries.DatasetFromArray(Range(14), Range(14, from: 100), sequenceLength: 5, shuffle: true, seed: 42);
        // 10 windows whose starts NumPy's RandomState(42).shuffle orders [8 1 5 0 7 2 9 4 3 6].
        int[] order = [8, 1, 5, 0, 7, 2, 9, 4, 3, 6];
        for (int i = 0; i < order.Length; i++)
        {
            Assert.Equal(order[i], Row(shuffled, i)[0]);
            Assert.Equal(100 + order[i], Row(shuffledTargets!, i)[0]);
        }
    }

    [Fact]
    public void Arguments_keras_refuses_are_refused()
    {
        var data = Range(20);
        Assert.Throws<ArgumentOutOfRangeException>(() => Timeseries.DatasetFromArray(data, null, 5, startIndex: 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => Timeseries.DatasetFromArray(data, null, 5, startIndex: 5, endIndex: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Timeseries.DatasetFromArray(data, null, 5, endIndex: 20));
        Assert.Throws<ArgumentOutOfRangeException>(() => Timeseries.DatasetFromArray(data, null, 5, samplingRate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Timeseries.DatasetFromArray(data, null, 5, sequenceStride: 20));
        var e = Assert.Throws<ArgumentException>(() => Timeseries.DatasetFromArray(data, null, 11, samplingRate: 2));
        Assert.Contains("no window", e.Message);
        e = Assert.Throws<ArgumentException>(() => Timeseries.DatasetFromArray(data, Range(3), 5, startIndex: 4));
        Assert.Contains("no target", e.Message);
    }
}
