using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>The learning-rate probe's numbers as a finding's evidence (none when there was no probe).</summary>
internal static class ProbeEvidence
{
    public static (string key, object value)[] Of(LearningRateResponse? r, DoctorThresholds t) => r is null ? [] :
    [
        ("probe_steps", r.Steps), ("probe_fall_at_tenth", R(r.FallAtTenth)), ("probe_fall_at_rate", R(r.FallAtRate)),
        ("probe_fall_at_ten_times", R(r.FallAtTenTimes)), ("probe_minimum_fall", t.ProbeMinimumFall), ("probe_gain_factor", t.ProbeGainFactor),
        ("probe_linear_share", t.ProbeLinearShare),
    ];
}
