namespace Nabla.Doctor;

/// <summary>Share of a ReLU layer's units (last axis) that output 0 for every sample and position of the batch.
/// NaN for activations that cannot die.</summary>
internal static class DeadUnitFraction
{
    public static bool CanDie(Activations.Activation activation) => activation.Name is "relu" or "relu6";

    public static double Of(in LayerObservation o)
    {
        if (!CanDie(o.Activation) || o.Units == 0) return double.NaN;
        var outputs = o.Output;
        int units = o.Units, rows = outputs.Length / units, dead = 0;
        for (int u = 0; u < units; u++)
        {
            bool alive = false;
            for (int r = 0; r < rows && !alive; r++) alive = outputs[r * units + u] > 0;
            if (!alive) dead++;
        }
        return (double)dead / units;
    }
}
