using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Doctor;

/// <summary>
/// The std a variance-preserving initializer gives a kernel with this fan-in and fan-out. Keras's
/// VarianceScaling initializers use std = sqrt(scale / fan) with scale 1 (Glorot, LeCun) or 2 (He) and fan
/// fan_in, fan_out or their average; every one of them is a sound start, so the band between the smallest
/// and the largest is what a kernel's std is compared with.
/// </summary>
internal static class VariancePreservingStd
{
    /// <summary>He (sqrt(2/fan_in)) for the ReLU family, Glorot (sqrt(2/(fan_in+fan_out))) otherwise: the one named in messages.</summary>
    public static double Preferred(ActivationFunction activation, int fanIn, int fanOut) =>
        activation.IsReluFamily ? Math.Sqrt(2.0 / fanIn) : Math.Sqrt(2.0 / (fanIn + fanOut));

    /// <summary>The smallest and largest std of Keras's variance-scaling defaults for this shape.</summary>
    public static (double low, double high) Band(int fanIn, int fanOut)
    {
        double fanAvg = (fanIn + fanOut) / 2.0;
        double largestFan = Math.Max(fanIn, Math.Max(fanOut, fanAvg)), smallestFan = Math.Min(fanIn, Math.Min(fanOut, fanAvg));
        return (Math.Sqrt(1.0 / largestFan), Math.Sqrt(2.0 / smallestFan));
    }
}
