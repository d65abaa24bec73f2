using System.Globalization;
using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// The base of Keras's numeric preprocessing layers (CategoryEncoding, Discretization, IntegerLookup): each maps every
/// input value to an index (integer values are carried as floats, as Embedding's) and outputs the indices or their
/// encoding over <see cref="Depth"/> slots (<see cref="TokenOutputMode"/>). They have no weights and, as in Keras, no
/// gradient reaches their inputs: their output never requires one, and the layers after them train as usual.
/// </summary>
public abstract class TokenLayer : Layer
{
    private protected TokenLayer(TokenOutputMode outputMode, string? name, int[]? inputShape) : base(name, inputShape)
    {
        OutputMode = outputMode;
    }

    /// <summary>Keras's <c>output_mode</c>.</summary>
    public TokenOutputMode OutputMode { get; }

    /// <summary>The number of slots of an encoded output (every index is below it). Throws
    /// <see cref="InvalidOperationException"/> when it is not known yet (a layer to adapt first).</summary>
    public int Depth => KnownDepth ?? throw new InvalidOperationException(NotReady);

    /// <summary>The number of slots when it is known; null before the layer has what it maps values with.</summary>
    private protected abstract int? KnownDepth { get; }

    /// <summary>What the layer lacks before it can map values, as a sentence naming it (a layer to adapt first).</summary>
    private protected abstract string NotReady { get; }

    /// <summary>The weight of each slot in "tf_idf" mode; empty otherwise.</summary>
    internal virtual ReadOnlySpan<float> IdfWeights => default;

    /// <summary>The layer and its class as messages name them: <c>IntegerLookup 'lookup'</c>.</summary>
    private protected string Owner => $"{ClassName} '{Name}'";

    /// <summary>Maps every value of a batch (of shape <paramref name="shape"/>) to its index, or to
    /// <see cref="TokenEncoding.Dropped"/>; refuses a value the layer cannot map, naming where it is.</summary>
    internal abstract void ToIndices(ReadOnlySpan<float> values, Span<int> indices, int[] shape);

    /// <summary>The "int" output of the indices; by default the indices themselves.</summary>
    internal virtual void WriteInt(ReadOnlySpan<int> indices, Span<float> output)
    {
        for (int i = 0; i < indices.Length; i++) output[i] = indices[i];
    }

    /// <summary>Whether the layer can map values now (a layer to adapt first cannot).</summary>
    private protected abstract bool IsReady { get; }

    /// <summary>An encoded output's size must be known to build the layer: a config or model that builds one before it is
    /// adapted is refused (an <see cref="ArgumentException"/>, as any config Nabla cannot build).</summary>
    public override int[] ComputeOutputShape(int[] inputShape)
    {
        int depth = OutputMode == TokenOutputMode.Int ? 0
            : KnownDepth ?? throw new ArgumentException($"{NotReady} Its \"{OutputMode.KerasName()}\" output's size is not known until then.");
        return TokenEncoding.OutputShape(OutputMode, inputShape, depth, Owner);
    }

    /// <summary>In "int" mode each value maps on its own, and multi_hot/count read a sample's values whatever their
    /// number: those axes may be left to the data (Keras's None).</summary>
    private protected override bool MayBeUnknown(int axis, int rank) => OutputMode != TokenOutputMode.OneHot;

    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        OutputMode != TokenOutputMode.OneHot && inputShape.Length == built.Length;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        if (!IsReady) throw new InvalidOperationException(NotReady);
        var shape = ComputeOutputShape(inputs.Shape[1..]);
        if (OutputMode != TokenOutputMode.Int && OutputShape is { } built && built[^1] != shape[^1])
            throw new InvalidOperationException(
                $"{Owner} was built with {built[^1]} output slots but now has {shape[^1]}; as in Keras, the vocabulary size " +
                "of an encoded output cannot change once the layer is built.");
        return Op.Record(new TokenOp(inputs, this, [inputs.Shape[0], .. shape]));
    }

    /// <summary>Refuses a depth change of a built layer with an encoded output (Keras's frozen vocabulary size).</summary>
    private protected void CheckDepthUnchanged(int newDepth)
    {
        if (OutputMode != TokenOutputMode.Int && OutputShape is { } built && built[^1] != newDepth)
            throw new InvalidOperationException(
                $"{Owner} was built with {built[^1]} output slots; this would make {newDepth}. As in Keras, the number of slots " +
                "of an encoded output cannot change once the layer is built: adapt it before building the model.");
    }

    /// <summary>Where index <paramref name="i"/> of a batch of shape <paramref name="shape"/> is, for messages.</summary>
    private protected static string Where(int i, int[] shape)
    {
        int perSample = 1;
        for (int d = 1; d < shape.Length; d++) perSample *= shape[d];
        return shape.Length > 1
            ? $"sample {i / perSample}, position {i % perSample}"
            : $"sample {i}";
    }

    /// <summary>The integer a float holds, or a refusal naming the layer, where the value is and what it is.</summary>
    private protected long IntegerAt(ReadOnlySpan<float> values, int i, int[] shape)
    {
        float value = values[i];
        if (value == MathF.Floor(value) && float.IsFinite(value)) return (long)value;
        throw new ArgumentException(
            $"{Owner}: the value at {Where(i, shape)} is {value.ToString(CultureInfo.InvariantCulture)}, not an integer; " +
            $"{ClassName} reads integer values.");
    }

    /// <summary>Keras's <c>sparse</c>: Nabla has no sparse tensors, so only false is taken (a config's null is Python's
    /// falsy None, false too).</summary>
    private protected void RefuseSparse(bool sparse)
    {
        if (sparse)
            throw new ArgumentException(
                $"{Owner}: 'sparse' is true; Nabla has no sparse tensors, only false is supported (the dense output holds the same values).");
    }
}
