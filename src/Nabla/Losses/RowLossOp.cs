namespace Nabla.Losses;

/// <summary>A loss computed from each sample's whole row over the last axis (cosine similarity, categorical focal
/// crossentropy): subclasses give one row's loss and its gradient; this class walks the rows and their weights.</summary>
internal abstract class RowLossOp(string name, Tensor yTrue, Tensor yPred, int width, string reduction)
    : LossOp(name, yTrue, yPred, width, reduction)
{
    /// <summary>The targets a row is compared with; yTrue unless a subclass transforms it (label smoothing).</summary>
    protected virtual ReadOnlySpan<float> Targets => YTrue;

    /// <summary>Called at the start of each forward pass, before any row is read.</summary>
    protected virtual void PrepareTargets() { }

    protected abstract double RowLoss(ReadOnlySpan<float> t, ReadOnlySpan<float> p);

    /// <summary>Adds <paramref name="scale"/>·d(row loss)/dp into <paramref name="grad"/>.</summary>
    protected abstract void AddRowGradient(ReadOnlySpan<float> t, ReadOnlySpan<float> p, Span<float> grad, double scale);

    protected override double SumOfSampleLosses()
    {
        PrepareTargets();
        ReadOnlySpan<float> t = Targets, p = YPred, w = Weights;
        double sum = 0;
        for (int r = 0; r < Samples; r++)
        {
            double loss = RowLoss(t.Slice(r * Width, Width), p.Slice(r * Width, Width));
            sum += w.IsEmpty ? loss : w[r] * loss;
        }
        return sum;
    }

    protected override void AddGradient(Span<float> gradPred, double scale)
    {
        ReadOnlySpan<float> t = Targets, p = YPred, w = Weights;
        for (int r = 0; r < Samples; r++)
            AddRowGradient(t.Slice(r * Width, Width), p.Slice(r * Width, Width), gradPred.Slice(r * Width, Width),
                w.IsEmpty ? scale : scale * w[r]);
    }
}
