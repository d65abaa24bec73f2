using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Layer normalization over rows of <c>width</c> values (the normalized trailing axes): per row μ and the biased σ²,
/// then y = x̂·γ + β with x̂ = (x − μ)·r and r = 1/sqrt(σ² + ε). The backward pass recomputes x̂ from the stored μ and r:
/// dx = r·(g − mean(g) − x̂·mean(g·x̂)) with g = dy·γ, dγ = Σ dy·x̂ and dβ = Σ dy over the rows.
/// </summary>
internal sealed class LayerNormOp : Op
{
    private readonly int width, rows;
    private readonly float epsilon;
    private readonly float[] mean, reciprocal, scratch, scratch2;

    public LayerNormOp(Tensor x, Tensor gamma, Tensor beta, float epsilon) : base([x, gamma, beta], x.Shape)
    {
        width = gamma.Size;
        if (beta.Size != width || width == 0 || x.Size % width != 0)
            throw new ArgumentException(
                $"Layer normalization over rows of {width} values cannot take an input of shape {Tensor.ShapeString(x.Shape)} " +
                $"with {beta.Size} offsets.");
        rows = x.Size / width;
        this.epsilon = epsilon;
        mean = new float[rows];
        reciprocal = new float[rows];
        scratch = new float[width];
        scratch2 = new float[width];
    }

    public override string Name => "layer_norm";

    public override void Forward()
    {
        var x = Inputs[0].Data.AsSpan();
        var gamma = Inputs[1].Data.AsSpan(0, width);
        var beta = Inputs[2].Data.AsSpan(0, width);
        var y = Output.Data.AsSpan();
        var centred = scratch.AsSpan();
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * width, width);
            // Two passes: the variance of the centred row does not lose the digits a large mean would take.
            float mu = TensorPrimitives.Sum(row) / width;
            TensorPrimitives.Subtract(row, mu, centred);
            float variance = TensorPrimitives.SumOfSquares(centred) / width;
            float rs = 1f / MathF.Sqrt(variance + epsilon);
            mean[r] = mu;
            reciprocal[r] = rs;
            var output = y.Slice(r * width, width);
            TensorPrimitives.Multiply(centred, rs, output);
            TensorPrimitives.FusedMultiplyAdd(output, gamma, beta, output);
        }
    }

    public override void Backward()
    {
        var x = Inputs[0].Data.AsSpan();
        var dy = Output.Grad!.Data.AsSpan();
        var gamma = Inputs[1].Data.AsSpan(0, width);
        var normalized = scratch.AsSpan();
        var g = scratch2.AsSpan();
        bool needsX = NeedsGrad(0), needsGamma = NeedsGrad(1), needsBeta = NeedsGrad(2);
        for (int r = 0; r < rows; r++)
        {
            var dyRow = dy.Slice(r * width, width);
            TensorPrimitives.Subtract(x.Slice(r * width, width), mean[r], normalized);
            TensorPrimitives.Multiply(normalized, reciprocal[r], normalized);
            if (needsGamma) TensorPrimitives.FusedMultiplyAdd(dyRow, normalized, Inputs[1].Grad!.Data.AsSpan(0, width), Inputs[1].Grad!.Data.AsSpan(0, width));
            if (needsBeta) TensorPrimitives.Add(Inputs[2].Grad!.Data.AsSpan(0, width), dyRow, Inputs[2].Grad!.Data.AsSpan(0, width));
            if (!needsX) continue;
            TensorPrimitives.Multiply(dyRow, gamma, g);
            float meanG = TensorPrimitives.Sum(g) / width;
            float meanGx = TensorPrimitives.Dot(g, normalized) / width;
            var dx = Inputs[0].Grad!.Data.AsSpan(r * width, width);
            // dx += r·(g − mean(g) − x̂·mean(g·x̂))
            TensorPrimitives.MultiplyAdd(normalized, -meanGx, g, g);
            TensorPrimitives.Subtract(g, meanG, g);
            TensorPrimitives.MultiplyAdd(g, reciprocal[r], dx, dx);
        }
    }
}
