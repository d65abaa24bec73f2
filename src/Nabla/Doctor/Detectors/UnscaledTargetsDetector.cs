using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Regression targets far from unit scale under MSE or MAE, at a learning rate within a decade of its optimizer's
/// default. An error when the run did not learn (the decide step names it the cause of the divergence or stall it
/// produced); an observation when the run learned anyway, as an adaptive optimizer with time to grow the output's weights
/// does. A rate ten times off its default or more is a fault of its own, which the learning-rate findings name first:
/// AUTOTRAINER's regression set trains unscaled under Adam at 0.01, and fails under SGD at 0.1 and Adam at 1e-6 because
/// of those rates; its own case-17 programs fail at SGD's default on the same targets. Before training (pre-flight) it is
/// an observation: whether the scale costs anything shows only in training, and Keras's fuel-efficiency tutorial fits
/// miles per gallon (mean 23, std 8: root mean square about 25) unscaled under Adam without trouble.</summary>
internal sealed class UnscaledTargetsDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.TargetScale is not { } targets || !(targets.RootMeanSquare > t.UnscaledTargetMagnitude) || !q.Model.OrdinaryLearningRate)
            yield break;
        string loss = targets.SquaredError ? "mean squared error" : "mean absolute error";
        string effect = q.Model.AdaptiveOptimizer
            ? $"{q.Model.OptimizerClass} divides the gradient's scale out, so the output's weights move at the rate's pace towards a scale they start far from"
            : $"{q.Model.OptimizerClass ?? "the optimizer"} steps with the gradient as it is, {targets.GradientScale:G3} times the step on standardized targets";
        yield return new(Make(FindingCodes.UnscaledTargets, q.Learned is null ? Severity.Info : Severity.Error,
            $"The regression targets are not scaled: mean {targets.Mean:G4}, standard deviation {targets.Std:G4}. A linear output starts near 0 " +
            $"and must reach that scale, and the {loss}'s gradient grows with it ({(targets.SquaredError ? "with its square" : "in proportion")}): {effect}.",
            [FixCodes.StandardizeTargets],
            ("target_mean", R(targets.Mean)), ("target_std", R(targets.Std)), ("root_mean_square", R(targets.RootMeanSquare)),
            ("gradient_scale", R(targets.GradientScale)), ("threshold", t.UnscaledTargetMagnitude)).At(null, null),
            Floor: Severity.Info);
    }
}
