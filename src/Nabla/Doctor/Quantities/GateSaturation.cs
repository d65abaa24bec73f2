using System.Numerics.Tensors;
using Nabla.Layers;

namespace Nabla.Doctor;

/// <summary>
/// How much of a recurrent cell's gate is stuck: the share of its units that are closed (within a margin of 0) at every
/// step of every sample of the batch, and the share that are open (within the margin of 1) throughout. The margin is
/// σ(−<see cref="DoctorThresholds.SaturationPreActivation"/>): a sigmoid gate that near an end has its pre-activation
/// beyond the saturation threshold, where its slope is almost zero (σ'(4) ≈ 0.018), so the gate passes back almost no
/// gradient and cannot learn to move. An LSTM forget gate shut this way erases the cell at every step; an input gate
/// shut writes nothing into it.
/// </summary>
internal static class GateSaturation
{
    /// <param name="scratch">Room for 2 × the gate's units, reused between calls.</param>
    public static GateSample Of(in ObservedGate gate, double saturationPreActivation, Span<float> scratch)
    {
        int units = gate.Units, rows = gate.Rows;
        if (rows == 0 || units == 0) return new GateSample(gate.Name, double.NaN, double.NaN);
        if (scratch.Length < 2 * units) throw new ArgumentException($"The scratch buffer holds {scratch.Length} values; {2 * units} are needed.", nameof(scratch));
        var low = scratch[..units];
        var high = scratch.Slice(units, units);
        gate.Row(0).CopyTo(low);
        gate.Row(0).CopyTo(high);
        for (int r = 1; r < rows; r++)
        {
            var row = gate.Row(r);
            TensorPrimitives.Min(low, row, low);
            TensorPrimitives.Max(high, row, high);
        }
        float margin = (float)Margin(saturationPreActivation);
        int closed = 0, open = 0;
        for (int u = 0; u < units; u++)
        {
            if (high[u] <= margin) closed++;
            else if (low[u] >= 1 - margin) open++;
        }
        return new GateSample(gate.Name, (double)closed / units, (double)open / units);
    }

    /// <summary>σ(−z): how near 0 (or 1) a sigmoid gate is once its pre-activation is beyond ±z.</summary>
    public static double Margin(double saturationPreActivation) => 1 / (1 + Math.Exp(saturationPreActivation));
}

/// <summary>One gate at one sampled step: the shares of its units stuck closed and stuck open over the whole batch.</summary>
public sealed record GateSample(string Gate, double StuckClosed, double StuckOpen)
{
    /// <summary>The share of units stuck at either end.</summary>
    public double Stuck => StuckClosed + StuckOpen;
}
