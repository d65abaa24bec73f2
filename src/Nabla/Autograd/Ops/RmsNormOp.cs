using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// Root-mean-square normalization over rows of <c>width</c> values (the normalized trailing axes), as Keras's
/// <c>ops.rms_normalization</c>: y = x·r·scale with r = 1/sqrt(mean(x²) + ε) per row; no centring and no offset.
/// Backward, with g = dy·scale: dx = r·g − (r³/width)·x·Σ(g·x), and dscale = Σ dy·x·r over the rows.
/// </summary>
internal sealed class RmsNormOp : Op
{
    private readonly int width, rows;
    private readonly float epsilon;
    private readonly float[] reciprocal, scratch;

    public RmsNormOp(Tensor x, Tensor scale, float epsilon) : base([x, scale], x.Shape)
    {
        width = scale.Size;
        if (width == 0 || x.Size % width != 0)
            throw new ArgumentException(
                $"RMS normalization over rows of {width} values cannot take an input of shape {Tensor.ShapeString(x.Shape)}.");
        rows = x.Size / width;
        this.epsilon = epsilon;
        reciprocal = new float[rows];
        scratch = new float[width];
    }

    public override string Name => "rms_norm";

    public override void Forward()
    {
        var x = Inputs[0].Data.AsSpan();
        var scale = Inputs[1].Data.AsSpan(0, width);
        var y = Output.Data.AsSpan();
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * width, width);
            float rs = 1f / MathF.Sqrt(TensorPrimitives.SumOfSquares(row) / width + epsilon);
            reciprocal[r] = rs;
            var output = y.Slice(r * width, width);
            TensorPrimitives.Multiply(row, rs, output);
            TensorPrimitives.Multiply(output, scale, output);
        }
    }

    public override void Backward()
    {
        var x = Inputs[0].Data.AsSpan();
        var dy = Output.Grad!.Data.AsSpan();
        var scale = Inputs[1].Data.AsSpan(0, width);
        var g = scratch.AsSpan();
        bool needsX = NeedsGrad(0), needsScale = NeedsGrad(1);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * width, width);
            var dyRow = dy.Slice(r * width, width);
            float rs = reciprocal[r];
            if (needsScale)
            {
                // dscale += dy·x·r
                var dScale = Inputs[1].Grad!.Data.AsSpan(0, width);
                TensorPrimitives.Multiply(dyRow, row, g);
                TensorPrimitives.MultiplyAdd(g, rs, dScale, dScale);
            }
            if (!needsX) continue;
            TensorPrimitives.Multiply(dyRow, scale, g);
            float coefficient = -rs * rs * rs * TensorPrimitives.Dot(g, row) / width;
            var dx = Inputs[0].Grad!.Data.AsSpan(r * width, width);
            // dx += r·g + coefficient·x
            TensorPrimitives.MultiplyAdd(g, rs, dx, dx);
            TensorPrimitives.MultiplyAdd(row, coefficient, dx, dx);
        }
    }
}
