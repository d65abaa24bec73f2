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
    private bool HigherHelps(DoctorThresholds t) =>
        FallAtTenTimes >= t.ProbeMinimumFall && FallAtTenTimes >= t.ProbeGainFactor * Math.Max(FallAtRate, 0);

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

    private static string Percent(double fall) => double.IsFinite(fall) ? $"{fall:P1}" : "(diverged)";
}
