using System.Globalization;
using Nabla.Data;

namespace Nabla.Doctor;

/// <summary>
/// The balance_loss_weights repair: loss weights inversely proportional to each output's loss at the start (the
/// freshly built model evaluated on the training rows), scaled so that they add up to the number of outputs with a
/// loss. Each output then starts with the same share of the total, the static version of what GradNorm (Chen et al.
/// 2018) and uncertainty weighting (Kendall, Gal and Cipolla 2018) keep adjusting during training.
/// </summary>
internal static class LossWeightBalance
{
    public static (Experiment experiment, string change)? Apply(Experiment e)
    {
        var model = e.BuildModel();
        var withLoss = Enumerable.Range(0, model.OutputCount).Where(i => model.Losses[i] is not null).ToList();
        if (withLoss.Count < 2) return null;
        int rows = Model.TrainingSamples(e.X.Shape[0], e.ValidationSplit);
        var x = e.Inputs(Preprocessing.RowRange(e.X, 0, rows));
        var y = e.Targets(model, Preprocessing.RowRange(e.Y, 0, rows));
        var logs = model.Evaluate(x, y, batchSize: e.BatchSize);
        var losses = withLoss.Select(i => logs.GetValueOrDefault(model.OutputNames[i] + "_loss", double.NaN)).ToArray();
        if (losses.Any(l => !(l > 0) || !double.IsFinite(l))) return null;
        double scale = withLoss.Count / losses.Sum(l => 1 / l);
        var weights = Enumerable.Repeat<object?>(1.0, model.OutputCount).ToList();
        for (int k = 0; k < withLoss.Count; k++) weights[withLoss[k]] = Math.Round(scale / losses[k], 4, MidpointRounding.AwayFromZero);
        string before = string.Join(", ", model.OutputNames.Select((n, i) => $"{n}: {model.LossWeights[i].ToString("G4", CultureInfo.InvariantCulture)}"));
        string after = string.Join(", ", model.OutputNames.Select((n, i) => $"{n}: {((double)weights[i]!).ToString("G4", CultureInfo.InvariantCulture)}"));
        return (e with { LossWeights = weights }, $"loss_weights {{{before}}} -> {{{after}}} (inversely proportional to each output's starting loss)");
    }
}
