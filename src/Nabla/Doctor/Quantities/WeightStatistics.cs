using System.Numerics.Tensors;

namespace Nabla.Doctor;

/// <summary>Mean and standard deviation of a kernel's entries.</summary>
internal readonly record struct WeightStatistics(double Mean, double Std, bool Finite)
{
    public double Variance => Std * Std;

    public static WeightStatistics Of(ReadOnlySpan<float> w)
    {
        if (w.IsEmpty) return new(0, 0, true);
        double sumOfSquares = TensorPrimitives.SumOfSquares(w);
        double mean = TensorPrimitives.Sum(w) / (double)w.Length;
        double variance = sumOfSquares / w.Length - mean * mean;
        return new(mean, Math.Sqrt(Math.Max(0, variance)), double.IsFinite(sumOfSquares));
    }
}
