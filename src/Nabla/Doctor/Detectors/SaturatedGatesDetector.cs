using static Nabla.Doctor.FindingBuilder;

namespace Nabla.Doctor;

/// <summary>
/// Gates of a recurrent cell stuck at 0 or 1 across the batch (<see cref="GateSaturation"/>): in the median sample, at
/// least <see cref="DoctorThresholds.StuckGateFraction"/> of a gate's units sit at one end for every step of every sample.
/// One finding per layer names every stuck gate.
/// Such a gate has almost no slope, so it cannot learn to move: a forget gate shut erases the cell at every step, an
/// input gate shut writes nothing into it. An error when the run did not learn; a warning when it learned anyway (an
/// LSTM whose forget gate is stuck open can still add up values, but can never learn to forget).
/// </summary>
internal sealed class SaturatedGatesDetector : IDetector
{
    public IEnumerable<Detection> Detect(Quantities q, DoctorThresholds t)
    {
        double margin = GateSaturation.Margin(t.SaturationPreActivation);
        foreach (var layer in q.Layers)
        {
            var stuck = new List<(string gate, bool shut, double share)>();
            LayerSample? first = null;
            foreach (var gate in layer.GateNames)
            {
                var (closed, open, seen) = layer.MedianStuckGate(gate);
                if (!(closed >= t.StuckGateFraction) && !(open >= t.StuckGateFraction)) continue;
                bool shut = closed >= t.StuckGateFraction;
                stuck.Add((gate, shut, shut ? closed : open));
                first ??= seen;
            }
            if (stuck.Count == 0) continue;
            var worst = stuck.MaxBy(s => s.share);
            string described = string.Join(", ", stuck.Select(s => $"the {s.gate} gate at {(s.shut ? 0 : 1)} ({s.share:P0} of its units)"));
            string consequences = string.Join("; ", stuck.Select(s => Consequence(s.gate, s.shut)).Where(c => c.Length > 0));
            yield return new(Make(FindingCodes.SaturatedGates, Severity.Error,
                $"Gates of '{layer.Name}' are stuck: {described} stay within {margin:G2} of that end at every step of every sample " +
                "(median over the sampled steps). There a gate's slope is almost zero, so it cannot learn to move" +
                (consequences.Length > 0 ? $": {consequences}." : "."),
                [FixCodes.ResetRecurrentBias],
                ("stuck_gates", string.Join(", ", stuck.Select(s => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{s.gate} at {(s.shut ? 0 : 1)}: {s.share:0.##}")))),
                ("gate", worst.gate), ("stuck_at", worst.shut ? "0" : "1"), ("stuck_fraction", R(worst.share)),
                ("threshold", t.StuckGateFraction), ("margin", R(margin)))
                .At(layer.Name, layer.Index, first!.Epoch, first.Step), Floor: Severity.Warning);
        }
    }

    /// <summary>What a stuck gate does to the cell, for the gates whose role is well known (Hochreiter and Schmidhuber
    /// 1997; Gers, Schmidhuber and Cummins 2000 for the forget gate; Cho et al. 2014 for the GRU's update gate, which in
    /// Keras keeps the old state where it is 1).</summary>
    private static string Consequence(string gate, bool shut) => (gate, shut) switch
    {
        ("forget", true) => "the cell is erased at every step, so nothing is carried from one step to the next",
        ("forget", false) => "the cell keeps everything it was given and can never let go of it",
        ("input", true) => "nothing is written into the cell",
        ("input", false) => "every step is written into the cell, relevant or not",
        ("output", true) => "the cell's content never reaches the layer's output",
        ("update", true) => "the state is replaced at every step, so nothing is carried from one step to the next",
        ("update", false) => "the state never takes in a new input",
        _ => "",
    };
}
