namespace Nabla.Doctor;

/// <summary>
/// How the loss answers the learning rate: from one starting state, the same few steps at a tenth of the rate, at
/// the rate, and at ten times it, each scored by the relative fall of the loss on one fixed probe batch
/// ((before − after) / before; −∞ when the loss went non-finite).
/// </summary>
public sealed record LearningRateResponse(double LearningRate, int Steps, double FallAtTenth, double FallAtRate, double FallAtTenTimes)
{
    /// <summary>Ten times the rate lowers the loss several times more than the rate itself, by a clear amount, and
    /// more than a tenth of it does when that helps too.</summary>
    internal bool FavorsHigher(DoctorThresholds t) => HigherHelps(t) && !(LowerHelps(t) && FallAtTenth > FallAtTenTimes);

    /// <summary>The rate itself hardly lowers the loss (or raises it) while a tenth of it does, and more than ten times
    /// it does when that helps too.</summary>
    internal bool FavorsLower(DoctorThresholds t) => LowerHelps(t) && !(HigherHelps(t) && FallAtTenTimes >= FallAtTenth);

    // A rate that falls behind both its tenth and ten times it sits in a dip of the response (a clipped or noisy loss):
    // only one direction can be the answer, the one that lowered the loss more.
    private bool HigherHelps(DoctorThresholds t) => ClearlyFasterAtTenTimes(t) || InProportion(t);

    /// <summary>Ten times the rate lowers the loss by a real amount (<see cref="DoctorThresholds.ProbeMinimumFall"/>) and
    /// several times more than the rate (<see cref="DoctorThresholds.ProbeGainFactor"/>).</summary>
    internal bool ClearlyFasterAtTenTimes(DoctorThresholds t) =>
        FallAtTenTimes >= t.ProbeMinimumFall && FallAtTenTimes >= t.ProbeGainFactor * Math.Max(FallAtRate, 0);

    /// <summary>The rate makes no real progress and the loss falls in proportion to the rate across all three (each tenfold
    /// step buys nearly a tenfold fall): steps this small sit far below the loss's curvature, so ten times the rate learns
    /// about ten times faster, however small the falls. Noise does not scale with the rate, so it cannot pass for this.</summary>
    internal bool InProportion(DoctorThresholds t)
    {
        double tenfold = 10 * t.ProbeLinearShare;
        return FallAtTenth > 0 && FallAtRate < t.ProbeMinimumFall && FallAtTenTimes >= t.ProbeLinearMinimumFall
            && FallAtRate >= tenfold * FallAtTenth && FallAtTenTimes >= tenfold * FallAtRate;
    }

    private bool LowerHelps(DoctorThresholds t) =>
        FallAtRate < t.ProbeMinimumFall && FallAtTenth >= t.ProbeMinimumFall && FallAtTenth > FallAtRate;

    /// <summary>Even a tenth of the rate raises the loss by more than the probe's noise (or overflows it): the steps grow
    /// whatever the rate, so bounding them (clipping) comes before searching for a smaller rate.</summary>
    internal bool LossRisesAtTenth(DoctorThresholds t) => FallAtTenth < -t.ProbeMinimumFall;

    /// <summary>Each larger rate lowers the loss at least as much as the smaller one: from this start the rate does not
    /// overshoot, since a rate that does would fall less than its tenth, and ten times it less still.</summary>
    internal bool RisesWithRate => FallAtTenth <= FallAtRate && FallAtRate <= FallAtTenTimes;

    /// <summary>One sentence with the three measured falls.</summary>
    internal string Describe() =>
        $"over {Steps} steps from the same start the loss fell {Percent(FallAtTenth)} at {LearningRate / 10:G3}, " +
        $"{Percent(FallAtRate)} at {LearningRate:G3} and {Percent(FallAtTenTimes)} at {LearningRate * 10:G3}";

    // Falls under a percent keep two significant digits: "0.0 %" would read as no fall at all.
    private static string Percent(double fall) =>
        !double.IsFinite(fall) ? "(diverged)" : Math.Abs(fall) >= 0.01 ? $"{fall:P1}" : $"{100 * fall:G2} %";
}
