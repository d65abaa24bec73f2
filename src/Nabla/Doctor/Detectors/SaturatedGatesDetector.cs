using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>
/// A gate of a recurrent cell stuck at 0 or 1 across the batch (<see cref="GateSaturation"/>): in the median sample, at
/// least <see cref="DoctorThresholds.StuckGateFraction"/> of its units sit at one end for every step of every sample.
/// Such a gate has almost no slope, so it cannot learn to move: a forget gate shut erases the cell at every step, an
/// input gate shut writes nothing into it. An error when the run did not learn; a warning when it learned anyway (an
/// LSTM whose forget gate is stuck open can still add up values, but can never learn to forget).
/// </summary>
internal sealed class SaturatedGatesDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        foreach (var layer in q.Layers)
            foreach (var gate in layer.GateNames)
            {
                var (closed, open, first) = layer.MedianStuckGate(gate);
                bool shut = closed >= t.StuckGateFraction;
                if (!shut && !(open >= t.StuckGateFraction)) continue;
                double share = shut ? closed : open;
                string end = shut ? "0" : "1";
                yield return new(Make(FindingCodes.SaturatedGates, Severity.Error,
                    $"The {gate} gate of '{layer.Name}' is stuck at {end}: {share:P0} of its units stay within " +
                    $"{GateSaturation.Margin(t.SaturationPreActivation):G2} of {end} at every step of every sample (median over the sampled steps). " +
                    $"There the gate's slope is almost zero, so it cannot learn to {(shut ? "open" : "close")}{Consequence(gate, shut)}.",
                    [FixCodes.ResetRecurrentBias],
                    ("gate", gate), ("stuck_at", end), ("stuck_fraction", R(share)), ("stuck_closed_fraction", R(closed)),
                    ("stuck_open_fraction", R(open)), ("threshold", t.StuckGateFraction),
                    ("margin", R(GateSaturation.Margin(t.SaturationPreActivation))))
                    .At(layer.Name, layer.Index, first.Epoch, first.Step), Floor: Severity.Warning);
            }
    }

    /// <summary>What a stuck gate does to the cell, for the gates whose role is well known (Hochreiter and Schmidhuber
    /// 1997; Gers, Schmidhuber and Cummins 2000 for the forget gate; Cho et al. 2014 for the GRU's update gate, which in
    /// Keras keeps the old state where it is 1).</summary>
    private static string Consequence(string gate, bool shut) => (gate, shut) switch
    {
        ("forget", true) => ": the cell is erased at every step, so nothing is carried from one step to the next",
        ("forget", false) => ": the cell keeps everything it was given and can never let go of it",
        ("input", true) => ": nothing is written into the cell",
        ("input", false) => ": every step is written into the cell, relevant or not",
        ("output", true) => ": the cell's content never reaches the layer's output",
        ("update", true) => ": the state is replaced at every step, so nothing is carried from one step to the next",
        ("update", false) => ": the state never takes in a new input",
        _ => "",
    };
}
