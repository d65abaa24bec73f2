namespace Nabla.Data;

/// <summary>Keras's <c>keras.utils.timeseries_dataset_from_array</c> (keras/src/utils/timeseries_dataset_utils.py).</summary>
public static class Timeseries
{
    /// <summary>
    /// Cuts windows out of a series [time, ...features]: window i holds the steps start + p_i, start + p_i + rate, ...
    /// (<paramref name="sequenceLength"/> of them, <paramref name="samplingRate"/> apart) of <paramref name="data"/>
    /// between <paramref name="startIndex"/> and <paramref name="endIndex"/>, where the window starts p_i run 0,
    /// <paramref name="sequenceStride"/>, 2·stride, ... while a whole window fits (and, with targets, while
    /// p_i &lt; targets' length); its target is targets[start + p_i], the step the window starts at (shift the targets to
    /// predict a later step). With <paramref name="shuffle"/> the windows come in the order NumPy's
    /// <c>RandomState(seed).shuffle</c> gives their starts, as in Keras. All windows come back at once, as Inputs
    /// [windows, sequenceLength, ...features] and Targets [windows, ...] (null without targets); Keras's batch_size is
    /// Fit's. Arguments are checked as Keras checks them, and a series too short for one window is refused.
    /// </summary>
    public static (Tensor Inputs, Tensor? Targets) DatasetFromArray(Tensor data, Tensor? targets, int sequenceLength,
        int sequenceStride = 1, int samplingRate = 1, bool shuffle = false, int? seed = null, int? startIndex = null, int? endIndex = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Rank < 1) throw new ArgumentException("DatasetFromArray: data must be a series [time, ...]; found a scalar.", nameof(data));
        int length = data.Shape[0];
        if (sequenceLength < 1)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength), sequenceLength, "sequenceLength must be at least 1.");
        if (startIndex is { } s && (s < 0 || s >= length))
            throw new ArgumentOutOfRangeException(nameof(startIndex), s, $"startIndex must be 0 or more and lower than the data's length, {length}.");
        if (endIndex is { } e && (e <= 0 || e >= length || (startIndex is { } s2 && e <= s2)))
            throw new ArgumentOutOfRangeException(nameof(endIndex), e, $"endIndex must be above 0 and startIndex, and lower than the data's length, {length} (Keras's rule).");
        if (samplingRate <= 0 || samplingRate >= length)
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, $"samplingRate must be above 0 and lower than the data's length, {length}.");
        if (sequenceStride <= 0 || sequenceStride >= length)
            throw new ArgumentOutOfRangeException(nameof(sequenceStride), sequenceStride, $"sequenceStride must be above 0 and lower than the data's length, {length}.");
        if (seed is < 0) throw new ArgumentOutOfRangeException(nameof(seed), seed, "seed must be between 0 and 2^32 - 1, as NumPy's RandomState takes it.");
        if (targets is not null && targets.Rank < 1)
            throw new ArgumentException("DatasetFromArray: targets must have one entry per step; found a scalar.", nameof(targets));

        int start = startIndex ?? 0, end = endIndex ?? length;
        long fits = end - start - (long)(sequenceLength - 1) * samplingRate;
        long count = targets is null ? fits : Math.Min(fits, targets.Shape[0]);
        if (count <= 0)
            throw new ArgumentException(
                $"DatasetFromArray: steps {start} to {end} hold no window of {sequenceLength} steps {samplingRate} apart " +
                $"(one spans {(long)(sequenceLength - 1) * samplingRate + 1} steps){(targets is not null && fits > 0 ? "; the targets are empty" : "")}.", nameof(sequenceLength));
        var starts = new List<int>();
        for (long p = 0; p < count; p += sequenceStride) starts.Add((int)p);
        if (shuffle) new NumPyShuffle((uint)(seed ?? Utils.Random.NextInt(1_000_000))).Shuffle(starts);

        int features = data.Size / Math.Max(length, 1);
        long size = (long)starts.Count * sequenceLength * features;
        if (size > Array.MaxLength)
            throw new ArgumentException($"DatasetFromArray: {starts.Count} windows of {sequenceLength} x {features} values make {size:N0}, more than one tensor holds; use a larger sequenceStride.", nameof(sequenceStride));
        var inputs = new Tensor([starts.Count, sequenceLength, .. data.Shape[1..]]);
        for (int i = 0; i < starts.Count; i++)
            for (int k = 0; k < sequenceLength; k++)
                data.Data.AsSpan((start + starts[i] + k * samplingRate) * features, features)
                    .CopyTo(inputs.Data.AsSpan((i * sequenceLength + k) * features, features));
        if (targets is null) return (inputs, null);
        if (start + starts.Max() >= targets.Shape[0])
            throw new ArgumentException($"DatasetFromArray: the window starting at step {start + starts.Max()} has no target: targets has {targets.Shape[0]} steps.", nameof(targets));
        int targetSize = targets.Size / targets.Shape[0];
        var picked = new Tensor([starts.Count, .. targets.Shape[1..]]);
        for (int i = 0; i < starts.Count; i++)
            targets.Data.AsSpan((start + starts[i]) * targetSize, targetSize).CopyTo(picked.Data.AsSpan(i * targetSize, targetSize));
        return (inputs, picked);
    }
}
