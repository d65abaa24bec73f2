namespace Nabla;

public partial class Model
{
    /// <summary>
    /// The compiled loss's gradient on (x, y) for every weight, aligned with <see cref="GetWeights"/>:
    /// null where the loss does not reach a weight (or it is not trainable). Nothing is updated, and
    /// batch-norm statistics and the random generator are left as they were.
    /// </summary>
    public IReadOnlyList<Tensor?> ComputeGradients(Tensor x, Tensor y)
    {
        EnsureCompiled(nameof(ComputeGradients));
        DataChecks.CheckPair(this, x, y, "x", "y");
        return GradientsOf(CaptureGradientStep([x], [y]));
    }

    /// <summary><see cref="ComputeGradients(Tensor, Tensor)"/> for a model with several inputs or outputs.</summary>
    public IReadOnlyList<Tensor?> ComputeGradients(Tensor[] x, Tensor?[] y)
    {
        EnsureCompiled(nameof(ComputeGradients));
        DataChecks.CheckPair(this, x, y, "x", "y");
        return GradientsOf(CaptureGradientStep(x, y));
    }

    private List<Tensor?> GradientsOf(CapturedStep step)
    {
        var trainable = new HashSet<Tensor>(TrainableWeights, ReferenceEqualityComparer.Instance);
        return Weights.Select(w => trainable.Contains(w) && step.Graph.Reaches(w) && w.Grad is not null ? w.Grad.Clone() : null).ToList();
    }

    /// <summary>Forward and backward on the whole of (x, y) in training mode, without an optimizer step
    /// and without side effects on the model; returns the step so its graph can be inspected.</summary>
    internal CapturedStep CaptureGradientStep(Tensor x, Tensor y) => CaptureGradientStep([x], [y]);

    internal CapturedStep CaptureGradientStep(Tensor[] x, Tensor?[] y)
    {
        var saved = Weights.Select(w => w.Clone()).ToList();
        using var _ = Utils.PreserveRandomState();
        foreach (var w in Weights) w.Grad = null;
        var step = new CapturedStep(this, StepKind.Train, x[0].Shape[0], x.Select(t => t.Shape[1..]).ToArray(), y.Select(t => t?.Shape[1..]).ToArray());
        step.LoadContiguous(x, y, 0);
        step.Run();
        var weights = Weights;
        for (int i = 0; i < weights.Count; i++) saved[i].Data.CopyTo(weights[i].Data, 0);
        return step;
    }
}
