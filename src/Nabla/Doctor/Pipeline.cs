namespace Nabla.Doctor;

/// <summary>
/// The doctor's pipeline after observation: quantities from the record, each detector on the quantities, then the
/// decide step (severity, primary cause, consequences). Explaining is the findings' messages and the reports.
/// </summary>
internal static class Pipeline
{
    public static Quantities Measure(TrainingRecord r, DoctorThresholds t, bool trained)
    {
        var curve = LossCurve.Of(r);
        var layers = LayerSeries.Of(r.Samples);
        var training = r.Model.Inputs is { Constant: true } ? null : r.Classes;
        return new Quantities
        {
            Model = r.Model,
            Layers = layers,
            Freeze = GradientFreeze.Of(layers, curve.Losses, t.FrozenLossSpread),
            Pinned = trained ? PinnedOutput.Of(r.Model, curve, t) : null,
            Curve = curve,
            Overflow = ForwardOverflow.Of(layers, r.Model),
            TargetScale = TargetScale.Of(r),
            Generalization = GeneralizationLoss.Of(r.History, r.HeldEpoch, r.ValidationFreq),
            Learned = trained ? LearningProgress.Learned(curve, r.Model.IsClassifier, t, r.ValidationClasses?.MajorityShare, training) : null,
            Stalled = trained && r.Model.IsClassifier ? StalledEpochs.Of(curve, t, training) : null,
            Relapse = trained ? Relapse.Of(curve, t, r.HeldEpoch) : null,
            Blockers = r.Blockers,
            MissingGradientCauses = r.MissingGradientCauses,
            UnreachedLayers = r.UnreachedLayers,
            OutputShares = OutputLossShares.Of(r.Model.Outputs, r.History),
            RateResponse = r.RateResponse,
            ValidationClasses = r.ValidationClasses,
        };
    }

    public static (List<Finding> findings, string? primary) Diagnose(Quantities q, DoctorThresholds t) =>
        Decide.Run(DetectorSet.Run(q, t), q.Learned);
}
