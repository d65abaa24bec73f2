using System.Numerics.Tensors;

namespace Nabla.Kernels;

/// <summary>
/// Row kernels of softmax and log-softmax, numerically stable: each row is shifted by its maximum before
/// exponentiating, so logits of ±1000 give exact results instead of ∞/∞. (TensorPrimitives.SoftMax does
/// not shift, which is why it is not used.)
/// </summary>
internal static class SoftmaxRows
{
    /// <summary>Rows up to this width use a plain loop: a classifier's 10 classes are too few for a
    /// library call per step (max, subtract, exp, sum, divide) to pay for itself.</summary>
    private const int ShortRow = 32;

    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        CheckRows(x.Length, width);
        if (width <= ShortRow)
        {
            SoftmaxShortRows(x, y, width);
            return;
        }
        for (int start = 0; start < x.Length; start += width)
        {
            var row = y.Slice(start, width);
            TensorPrimitives.Subtract(x.Slice(start, width), TensorPrimitives.Max(x.Slice(start, width)), row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
        }
    }

    /// <summary>Short rows: shift every row by its max, exponentiate the whole batch in one vectorized
    /// call, then normalize each row.</summary>
    private static void SoftmaxShortRows(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        for (int start = 0; start < x.Length; start += width)
        {
            var xRow = x.Slice(start, width);
            var yRow = y.Slice(start, width);
            float max = float.NegativeInfinity;
            foreach (float v in xRow) max = MathF.Max(max, v);
            for (int j = 0; j < width; j++) yRow[j] = xRow[j] - max;
        }
        TensorPrimitives.Exp(y, y);
        for (int start = 0; start < y.Length; start += width)
        {
            var yRow = y.Slice(start, width);
            float sum = 0;
            foreach (float v in yRow) sum += v;
            float inverse = 1f / sum;
            for (int j = 0; j < width; j++) yRow[j] *= inverse;
        }
    }

    /// <summary>dx = y ⊙ (dy − Σ dy ⊙ y), row by row.</summary>
    public static void SoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        if (width <= ShortRow)
        {
            for (int start = 0; start < y.Length; start += width)
            {
                float dot = 0;
                for (int j = start; j < start + width; j++) dot += dy[j] * y[j];
                for (int j = start; j < start + width; j++) dx[j] = y[j] * (dy[j] - dot);
            }
            return;
        }
        for (int start = 0; start < y.Length; start += width)
        {
            var yRow = y.Slice(start, width);
            var dxRow = dx.Slice(start, width);
            float dot = TensorPrimitives.Dot(dy.Slice(start, width), yRow);
            TensorPrimitives.Subtract(dy.Slice(start, width), dot, dxRow);
            TensorPrimitives.Multiply(dxRow, yRow, dxRow);
        }
    }

    /// <summary>y = x − max − ln Σ e^(x − max), row by row.</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int width)
    {
        CheckRows(x.Length, width);
        for (int start = 0; start < x.Length; start += width)
        {
            var row = y.Slice(start, width);
            float max = TensorPrimitives.Max(x.Slice(start, width));
            TensorPrimitives.Subtract(x.Slice(start, width), max, row);
            // Σ e^(x − max) without a buffer: exponentiate in place, sum, then recompute the shift.
            TensorPrimitives.Exp(row, row);
            float logSum = MathF.Log(TensorPrimitives.Sum(row));
            // (x − max) − logSum, not x − (max + logSum): the latter rounds logSum to the ulp of max.
            TensorPrimitives.Subtract(x.Slice(start, width), max, row);
            TensorPrimitives.Subtract(row, logSum, row);
        }
    }

    /// <summary>dx = dy − softmax(x)·Σ dy, with softmax(x) = e^y.</summary>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
    {
        for (int start = 0; start < y.Length; start += width)
        {
            var dxRow = dx.Slice(start, width);
            float total = TensorPrimitives.Sum(dy.Slice(start, width));
            TensorPrimitives.Exp(y.Slice(start, width), dxRow);
            TensorPrimitives.Multiply(dxRow, -total, dxRow);
            TensorPrimitives.Add(dxRow, dy.Slice(start, width), dxRow);
        }
    }

    private static void CheckRows(int length, int width)
    {
        if (width <= 0 || length % width != 0)
            throw new ArgumentException($"softmax: {length} values do not split into rows of width {width}.", nameof(width));
    }
}
