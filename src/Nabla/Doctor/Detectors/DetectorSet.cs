namespace Nabla.Doctor;

/// <summary>The detectors the doctor runs, in no particular order: the decide step ranks their findings.</summary>
internal static class DetectorSet
{
    public static readonly IReadOnlyList<IDetector> All =
    [
        new LossOutputMismatchDetector(), new TargetMismatchDetector(), new MissingGradientsDetector(),
        new UnnormalizedInputsDetector(), new UnscaledTargetsDetector(), new PoorInitializationDetector(), new LearningRateTooHighDetector(),
        new LearningRateTooLowDetector(), new SaturationDetector(), new ClippedOutputDetector(), new ExplodingGradientsDetector(),
        new DeadReluDetector(), new VanishingGradientsDetector(), new NonFiniteLossDetector(),
        new OscillationDetector(), new PlateauDetector(), new GradientsThroughTimeDetector(),
        new SaturatedGatesDetector(), new DominatingLossDetector(), new TooFewEpochsDetector(), new UnseenValidationClassesDetector(), new OverfittingDetector(),
    ];

    public static List<Detection> Run(Quantities q, DoctorThresholds t) => All.SelectMany(d => d.Detect(q, t)).ToList();
}
