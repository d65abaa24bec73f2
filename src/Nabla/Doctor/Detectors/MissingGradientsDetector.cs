using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>Kernels the loss never reaches: nothing trainable, a gradient that is null (cut by a non-differentiable
/// operation, or frozen), or exactly zero at every sampled step. Only steps with a finite loss count.</summary>
internal sealed class MissingGradientsDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        if (q.Model.TrainableWeights == 0)
            yield return Detection.Blocking(Make(FindingCodes.MissingGradients, Severity.Error,
                "No layer of the model is trainable, so no weight can receive a gradient and nothing will be learned.",
                [FixCodes.RemoveBlockingOp], ("trainable_weights", 0)).At(null, null));
        // A ReLU layer dead on every sample zeroes the gradient of everything before it and of the kernel after it:
        // that is dead_relu's to report, so zero gradients are not "missing" then.
        bool deadLayer = q.Layers.Any(l => l.AlwaysDead);
        // An output pinned at the cross-entropy's clip passes back exactly zero everywhere: the path is there, the loss is
        // flat (saturated_activations' finding on the output).
        bool pinned = q.Pinned is not null;
        // A step whose loss is not finite computes no gradient: from the first one on, a missing gradient says nothing
        // about the path (a loss that overflowed on the very first batch leaves no gradient anywhere).
        long? brokeAt = q.Curve.FirstNonFinite?.step;
        foreach (var layer in q.Layers)
        {
            var first = layer.First;
            var computed = layer.SampledBefore(brokeAt).ToList();
            bool missing = computed.Count > 0 ? computed.All(s => s.GradientMissing) : q.MissingGradientCauses.ContainsKey(layer.Name);
            if (missing)
            {
                q.Blockers.TryGetValue(layer.Name, out var blockers);
                // The structural reason names the op with its layer, or says frozen or no loss reached; the blockers
                // seen in the step are the fallback.
                string cause = q.MissingGradientCauses.TryGetValue(layer.Name, out var structural) ? structural.TrimEnd('.')
                    : blockers is { Count: > 0 }
                    ? $"the path from the loss is cut by the non-differentiable operation(s) {string.Join(", ", blockers.Select(b => $"'{b}'"))}"
                    : "the layer is not connected to the loss, or it is frozen (trainable: false)";
                yield return Detection.Blocking(Make(FindingCodes.MissingGradients, Severity.Error,
                    $"'{layer.Name}' gets no gradient at all: {cause}. Its weights never change.",
                    q.UnreachedLayers.Contains(layer.Name) ? [FixCodes.PruneUnreachedLayers] : [FixCodes.RemoveBlockingOp],
                    ("blocking_ops", string.Join(", ", blockers ?? [])), ("samples", layer.Samples.Count))
                    .At(first.Layer, first.LayerIndex, first.Epoch, first.Step));
            }
            else if (!deadLayer && !pinned && layer.AllGradientsZero)
                yield return Detection.Blocking(Make(FindingCodes.MissingGradients, Severity.Error,
                    $"The gradient of '{layer.Name}' is exactly zero at every sampled step: the loss does not change when its weights change " +
                    "(for example a one-unit softmax, whose output is always 1).",
                    [.. OutputFixes.For(q.Model.Loss is { IsCrossEntropy: true }), FixCodes.RemoveBlockingOp], ("gradient_norm", 0.0),
                    ("samples", layer.Samples.Count)).At(first.Layer, first.LayerIndex, first.Epoch, first.Step));
        }
    }
}
