using Nabla.Data;
namespace Nabla.Doctor;

/// <summary>
/// The doctor's learning-rate probe: builds the experiment's model three times from the same seed (so from the same
/// weights), trains each for the same few batches at lr/10, lr and lr×10, and measures how far each lowered the loss
/// on one fixed batch (in training mode, see <see cref="Loss"/>). Costs three times <see cref="Steps"/> training steps; changes nothing in the experiment.
/// </summary>
public static class LearningRateProbe
{
    /// <summary>Training steps per rate: enough for the rate's effect to show, few enough to stay a small share of a run.</summary>
    public const int Steps = 24;

    /// <summary>Rows of the fixed batch the loss is measured on.</summary>
    public const int ProbeRows = 256;

    /// <summary>The response, or null when it cannot be measured: no optimizer, a rate of 0, or no training rows. Under a rate schedule
    /// the rate is the schedule's first, and the probe scales the whole schedule.</summary>
    public static LearningRateResponse? Run(Experiment experiment)
    {
        var first = experiment.BuildModel();
        // A rate of 0 (a schedule that warms up from 0) scales to 0 at every factor: there is no response to measure.
        if (first.Optimizer is not { } optimizer || !(optimizer.LearningRate > 0)) return null;
        int trainRows = (int)Math.Floor(experiment.X.Shape[0] * (1 - experiment.ValidationSplit));
        if (trainRows <= 0) return null;
        int batch = Math.Clamp(experiment.BatchSize, 1, trainRows);
        int steps = (int)Math.Min(Steps, (long)experiment.Epochs * ((trainRows + batch - 1) / batch));
        int probeRows = Math.Min(ProbeRows, trainRows);
        // Rows are cut from x and y as whole tables, then into the model's inputs and targets as the run does it.
        var probeX = experiment.Inputs(Preprocessing.RowRange(experiment.X, 0, probeRows));
        var probeY = experiment.Targets(first, Preprocessing.RowRange(experiment.Y, 0, probeRows));
        double rate = optimizer.LearningRate;
        var draws = Utils.Random.Clone();
        return new LearningRateResponse(rate, steps,
            Fall(experiment, rate / 10, steps, batch, trainRows, probeX, probeY, draws),
            Fall(experiment, rate, steps, batch, trainRows, probeX, probeY, draws, first),
            Fall(experiment, rate * 10, steps, batch, trainRows, probeX, probeY, draws));
    }

    private static double Fall(Experiment experiment, double rate, int steps, int batch, int trainRows, Tensor[] probeX, Tensor?[] probeY,
        RandomGenerator draws, Model? built = null)
    {
        var model = built ?? experiment.BuildModel();
        var optimizer = model.Optimizer!;
        // A schedule's rate cannot be set: every rate it gives is scaled by the same factor instead.
        if (optimizer.Schedule is null) optimizer.LearningRate = rate;
        else optimizer.ScheduleScale = rate / optimizer.LearningRate;
        double before = Loss(model, probeX, probeY, draws);
        for (int s = 0; s < steps; s++)
        {
            int start = s * batch % trainRows;
            int count = Math.Min(batch, trainRows - start);
            double loss = model.TrainOnBatch(experiment.Inputs(Preprocessing.RowRange(experiment.X, start, start + count)),
                experiment.Targets(model, Preprocessing.RowRange(experiment.Y, start, start + count)));
            if (!double.IsFinite(loss)) return double.NegativeInfinity;
        }
        double after = Loss(model, probeX, probeY, draws);
        return double.IsFinite(after) && before > 0 ? (before - after) / before : double.NegativeInfinity;
    }

    /// <summary>The loss the steps lower: in training mode, since in inference BatchNormalization reads moving statistics
    /// that a few dozen steps barely move (Keras's momentum 0.99 keeps 79% of the start after 24), which hides every
    /// rate's effect. Every measurement draws the same numbers, so dropout drops the same units before and after.</summary>
    private static double Loss(Model model, Tensor[] x, Tensor?[] y, RandomGenerator draws)
    {
        using var _ = Utils.PreserveRandomState();
        Utils.Random.CopyStateFrom(draws);
        return model.CaptureGradientStep(x, y).Loss!.Data[0];
    }
}
