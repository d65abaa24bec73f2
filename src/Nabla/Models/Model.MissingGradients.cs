using Nabla.Autograd;
using Nabla.Layers;

namespace Nabla;

/// <summary>Why a trainable weight gets no gradient from the loss.</summary>
public enum MissingGradientReason
{
    /// <summary>Its layer is frozen (<c>trainable = false</c>).</summary>
    Frozen,
    /// <summary>No path leads from it to an output that has a loss: its branch ends in an output without a loss, or in nothing.</summary>
    ReachesNoLoss,
    /// <summary>Every path to the loss crosses an operation without a gradient (round, argmax, cast, comparison...).</summary>
    GradientBlocked,
}

/// <summary>A weight that training will not update, and why, naming its layer and, for a blocked path, the op and its layer.</summary>
public sealed record MissingGradient(Tensor Weight, Layer Layer, MissingGradientReason Reason, string Explanation,
    string? BlockingOp = null, Layer? BlockingLayer = null)
{
    public override string ToString() => $"{Weight.Name}: {Explanation}";
}

public partial class Model
{
    /// <summary>
    /// The weights of the model that get no gradient from the loss, found before training from the model's structure:
    /// frozen layers, branches that reach no output with a loss (every output when not compiled), and paths cut by an
    /// operation without a gradient (named with the layer it belongs to, for example a Lambda that rounds).
    /// Records the forward pass once on a one-sample placeholder, in inference mode; changes nothing in the model.
    /// </summary>
    public IReadOnlyList<MissingGradient> FindMissingGradients()
    {
        EnsureBuilt(nameof(FindMissingGradients));
        // One sample, and one step along any axis the data would decide (Keras's None).
        var inputs = InputShapes!.Select(shape => new Tensor([1, .. shape.Select(d => d == Layer.UnknownDimension ? 1 : d)]) { IsPlaceholder = true }).ToArray();
        var layerOutputs = new Tensor?[Layers.Count];
        Tensor[] outputs;
        using (Utils.PreserveRandomState())
            outputs = Forward(inputs, training: false, layerOutputs);
        var lossOutputs = Enumerable.Range(0, outputs.Length).Where(o => !IsCompiled || Losses[o] is not null).ToList();
        var graphs = lossOutputs.Select(o => new Graph(outputs[o])).ToList();
        var graphsWithoutLoss = Enumerable.Range(0, outputs.Length).Except(lossOutputs).Select(o => new Graph(outputs[o])).ToList();
        var layerGraphs = layerOutputs.Select(t => t?.Creator is null ? null : new Graph(t)).ToList();
        string lossNames = string.Join(", ", lossOutputs.Select(o => $"'{OutputNames[o]}'"));

        var result = new List<MissingGradient>();
        foreach (var layer in Layers)
            foreach (var weight in layer.Weights)
            {
                if (!layer.Trainable)
                {
                    result.Add(new(weight, layer, MissingGradientReason.Frozen, $"layer '{layer.Name}' is frozen (trainable = false)."));
                    continue;
                }
                if (!layer.TrainableWeights.Contains(weight) || graphs.Any(g => g.Reaches(weight))) continue;
                var blocker = graphs.SelectMany(g => g.BlockersOf(weight)).FirstOrDefault();
                if (blocker is not null)
                {
                    var owner = Layers.Where((_, i) => layerGraphs[i]?.Ops.Contains(blocker) == true).FirstOrDefault();
                    result.Add(new(weight, layer, MissingGradientReason.GradientBlocked,
                        $"its path to the loss goes through '{blocker.Name}', which has no gradient" +
                        (owner is null ? "." : $", in layer '{owner.Name}' ({owner.ClassName})."), blocker.Name, owner));
                    continue;
                }
                string ends = graphsWithoutLoss.Any(g => g.Reaches(weight) || g.BlockersOf(weight).Count > 0)
                    ? $"it reaches no output with a loss (outputs with a loss: {lossNames}; an output without a loss trains nothing)."
                    : $"layer '{layer.Name}' reaches no output of the model: its branch ends in nothing.";
                result.Add(new(weight, layer, MissingGradientReason.ReachesNoLoss, ends));
            }
        return result;
    }
}
