using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>data_format</c>: where the images, sequences or volumes a layer takes hold their channels, last
/// ([batch, spatial..., channels], Keras's default) or first ([batch, channels, spatial...], the layout of Theano-era
/// and PyTorch-converted models). The convolution, pooling, padding and normalization layers compute channels-last;
/// a channels-first layer moves its input's channels last, computes, and moves its output's channels back, as
/// Keras's TensorFlow backend does on a CPU. Kernels keep Keras's one layout either way, so a channels-first file's
/// weights load unchanged.
/// </summary>
internal readonly record struct ImageLayout(bool ChannelsFirst)
{
    public const string LastName = KerasConfig.ChannelsLast;
    public const string FirstName = KerasConfig.ChannelsFirst;

    public static readonly ImageLayout Last = new(false);

    /// <summary>Reads a <c>data_format</c> argument or config value: null is Keras's None, which resolves to
    /// <see cref="KerasConfig.ImageDataFormat"/> now, when the layer is built (Keras's standardize_data_format).</summary>
    public static ImageLayout Parse(string layer, string? dataFormat) =>
        new(KerasConfig.CheckImageDataFormat(dataFormat ?? KerasConfig.ImageDataFormat, $"{layer}: 'data_format'", nameof(dataFormat)) == FirstName);

    /// <summary>Writes this layout as <c>data_format</c> in the config of a layer whose Keras get_config leaves the key
    /// out: only where a config without it could read back as the other layout (it reads back as the
    /// <see cref="KerasConfig.ImageDataFormat"/> of the reader), so unless this layout and the setting are both channels-last.</summary>
    public void WriteUnlessKerasDefault(Config config)
    {
        if (ChannelsFirst || KerasConfig.ImageDataFormat != LastName) config["data_format"] = Name;
    }

    /// <summary>"channels_last" or "channels_first", as Keras writes it.</summary>
    public string Name => ChannelsFirst ? FirstName : LastName;

    /// <summary>Whether per-sample axis <paramref name="axis"/> (0 is the first after the batch) is one of the
    /// <paramref name="spatialRank"/> spatial axes.</summary>
    public bool IsSpatial(int axis, int spatialRank) => ChannelsFirst ? axis >= 1 && axis <= spatialRank : axis < spatialRank;

    /// <summary>The per-sample axis of the channels in a shape of <paramref name="rank"/> axes.</summary>
    public int ChannelAxis(int rank) => ChannelsFirst ? 0 : rank - 1;

    /// <summary>A per-sample shape in this layout as channels-last: [c, s...] becomes [s..., c].</summary>
    public int[] ToLast(int[] perSample) =>
        ChannelsFirst && perSample.Length > 1 ? [.. perSample[1..], perSample[0]] : perSample;

    /// <summary>A channels-last per-sample shape in this layout: [s..., c] becomes [c, s...].</summary>
    public int[] FromLast(int[] perSample) =>
        ChannelsFirst && perSample.Length > 1 ? [perSample[^1], .. perSample[..^1]] : perSample;

    /// <summary>The output shape of a channels-last shape rule, for a shape in this layout.</summary>
    public int[] OutputShape(int[] perSample, Func<int[], int[]> channelsLast) => FromLast(channelsLast(ToLast(perSample)));

    /// <summary>The permutation that takes a batch of <paramref name="rank"/> axes (the batch's included) in this layout
    /// to channels-last; null when there is nothing to move.</summary>
    public int[]? ToLastOrder(int rank) => ChannelsFirst && rank > 2 ? [0, .. Enumerable.Range(2, rank - 2), 1] : null;

    /// <summary>The permutation that moves axis <paramref name="axis"/> (counted with the batch axis as 0) of a tensor of
    /// <paramref name="rank"/> axes last, for a layer that keeps one feature axis (BatchNormalization, Normalization); null
    /// when it is last already.</summary>
    public static int[]? AxisLastOrder(int rank, int axis) =>
        axis == rank - 1 ? null : [.. Enumerable.Range(0, rank).Where(a => a != axis), axis];

    /// <summary>A batch in this layout as channels-last (a recorded transpose, so gradients flow back).</summary>
    public Tensor ToLast(Tensor batch) => ToLastOrder(batch.Rank) is { } order ? Move(batch, order) : batch;

    /// <summary>A channels-last batch in this layout.</summary>
    public Tensor FromLast(Tensor batch) =>
        ToLastOrder(batch.Rank) is { } order ? Move(batch, Tensor.InversePermutation(order)) : batch;

    /// <summary>Transposes <paramref name="batch"/> by <paramref name="order"/>, unless it was recorded as the transpose
    /// that this one undoes (a channels-first layer's output, moved back from its channels-last result): then that result
    /// serves as it is, and the copy is not made twice. Only recorded transposes are known: a model's captured training,
    /// evaluation and prediction steps record theirs (and replay only what their outputs need), while a layer called on
    /// untracked tensors copies both ways.</summary>
    internal static Tensor Move(Tensor batch, int[] order) =>
        batch.Creator is TransposeOp move && move.IsUndoneBy(order) ? move.Inputs[0] : Tensor.Transpose(batch, order);

    /// <summary>Runs a channels-last computation on a batch in this layout.</summary>
    public Tensor Call(Tensor inputs, Func<Tensor, Tensor> channelsLast) => FromLast(channelsLast(ToLast(inputs)));

    /// <summary>How a per-sample shape of <paramref name="spatialRank"/> spatial axes is laid out, for messages:
    /// "[batch, height, width, channels]", or without <paramref name="batch"/> "[height, width, channels]".</summary>
    public string Describe(int spatialRank, bool batch = true)
    {
        string spatial = spatialRank switch { 1 => "steps", 2 => "height, width", _ => "depth, height, width" };
        string axes = ChannelsFirst ? $"channels, {spatial}" : $"{spatial}, channels";
        return batch ? $"[batch, {axes}]" : $"[{axes}]";
    }

    /// <summary>Copies the values of one channels-last sample (<paramref name="channels"/> per position) into
    /// <paramref name="destination"/> in this layout: as they are, or one plane per channel.</summary>
    public void CopyFromLast(ReadOnlySpan<float> sample, Span<float> destination, int channels) =>
        Copy(sample, destination, rows: sample.Length / channels, columns: channels);

    /// <summary>Copies the values of one sample in this layout into <paramref name="destination"/> channels-last.</summary>
    public void CopyToLast(ReadOnlySpan<float> sample, Span<float> destination, int channels) =>
        Copy(sample, destination, rows: channels, columns: sample.Length / channels);

    /// <summary>Channels first, the sample is a rows × columns matrix written transposed; channels last, or with one
    /// channel, both layouts hold the same order.</summary>
    private unsafe void Copy(ReadOnlySpan<float> sample, Span<float> destination, int rows, int columns)
    {
        if (destination.Length < sample.Length)
            throw new ArgumentException($"ImageLayout: the destination holds {destination.Length} values, fewer than the sample's {sample.Length}.", nameof(destination));
        if (!ChannelsFirst || rows == 1 || columns == 1)
        {
            sample.CopyTo(destination);
            return;
        }
        fixed (float* from = sample, to = destination) TransposeCopy.Run(from, columns, rows, columns, to, rows);
    }
}
