using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Row lookup: integer indices stored as floats, [batch, ...], pick rows of the table [inputDim, outputDim],
/// giving [batch, ..., outputDim]. The backward pass adds each output row's gradient into the row it came from
/// (scatter-add); the indices get no gradient. Every index is checked on every forward pass: an index outside
/// 0..inputDim−1, or not an integer, is refused with the sample and position that hold it.
/// </summary>
internal sealed class EmbeddingOp : Op
{
    private readonly int inputDim, outputDim;
    private readonly string layerName;

    public EmbeddingOp(Tensor indices, Tensor table, string layerName)
        : base([indices, table], [.. indices.Shape, CheckTable(table)])
    {
        inputDim = table.Shape[0];
        outputDim = table.Shape[1];
        this.layerName = layerName;
    }

    private static int CheckTable(Tensor table)
    {
        if (table.Rank != 2)
            throw new ArgumentException($"An embedding table is [inputDim, outputDim]; found {Tensor.ShapeString(table.Shape)}.");
        return table.Shape[1];
    }

    public override string Name => "embedding";

    public override void Forward()
    {
        var indices = Inputs[0].Data;
        var table = Inputs[1].Data;
        var y = Output.Data;
        for (int i = 0; i < indices.Length; i++)
        {
            int row = RowOf(indices, i);
            table.AsSpan(row * outputDim, outputDim).CopyTo(y.AsSpan(i * outputDim, outputDim));
        }
    }

    public override void Backward()
    {
        if (!NeedsGrad(1)) return;
        var indices = Inputs[0].Data;
        var dTable = Inputs[1].Grad!.Data;
        var dy = Output.Grad!.Data;
        for (int i = 0; i < indices.Length; i++)
        {
            var target = dTable.AsSpan((int)indices[i] * outputDim, outputDim);
            TensorPrimitives.Add(target, dy.AsSpan(i * outputDim, outputDim), target);
        }
    }

    private int RowOf(float[] indices, int i)
    {
        float value = indices[i];
        if (value >= 0 && value < inputDim && value == MathF.Floor(value)) return (int)value;
        var shape = Inputs[0].Shape;
        int perSample = Math.Max(1, indices.Length / Math.Max(1, shape[0]));
        int sample = i / perSample, position = i % perSample;
        string where = shape.Length > 1 ? $"sample {sample}, position {position}" : $"sample {sample}";
        string what = value == MathF.Floor(value) ? "outside 0.." + (inputDim - 1) : "not an integer";
        throw new ArgumentException(
            $"Layer '{layerName}' (Embedding): the index at {where} is {value}, {what} (input_dim = {inputDim}).");
    }
}
