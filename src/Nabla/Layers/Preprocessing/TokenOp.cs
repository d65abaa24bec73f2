using Nabla.Autograd;

namespace Nabla.Layers;

/// <summary>
/// The forward pass of a <see cref="TokenLayer"/>: the layer maps each input value to an index, which is written as is
/// ("int") or encoded (<see cref="TokenEncoding"/>). Like Keras's preprocessing layers it has no gradient: the output never
/// requires one, and the op stays in the graph only so that replays recompute it and a missing gradient can be traced
/// to it. The index buffer is allocated once, so a captured graph replays without allocating.
/// </summary>
internal sealed class TokenOp : Op
{
    private readonly TokenLayer layer;
    private readonly int[] indices;

    public TokenOp(Tensor inputs, TokenLayer layer, int[] outputShape) : base([inputs], outputShape)
    {
        this.layer = layer;
        indices = new int[inputs.Size];
    }

    public override string Name => "token_encoding";

    public override bool IsGradientBlocker => true;

    public override void Forward()
    {
        var inputs = Inputs[0];
        layer.ToIndices(inputs.Data, indices, inputs.Shape);
        if (layer.OutputMode == TokenOutputMode.Int) layer.WriteInt(indices, Output.Data);
        else TokenEncoding.Encode(layer.OutputMode, indices, Output.Size / layer.Depth, layer.Depth, layer.IdfWeights, Output.Data);
    }

    public override void Backward() { } // never called: the output does not require a gradient
}
