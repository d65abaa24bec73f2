using System.Runtime.CompilerServices;

namespace Nabla.Optimizers;

/// <summary>
/// The moment update Adam and Nadam share (Keras's <c>adam.py</c> and <c>nadam.py</c>):
/// <c>m += (g − m)·(1 − beta_1)</c>, <c>v += (g² − v)·(1 − beta_2)</c>, both stored.
/// </summary>
internal static class AdamMoments
{
    /// <summary>Updates and stores the moments at <paramref name="i"/>; returns them as computed (before the
    /// store's subnormal flush), which is what each rule's weight update reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T M, T V) Update<T>(T g, float[] momentum, float[] velocity, int i, float oneMinusBeta1,
        float oneMinusBeta2) where T : struct, ILanes<T>
    {
        var m = T.Load(momentum, i);
        var v = T.Load(velocity, i);
        m += (g - m) * oneMinusBeta1;
        v += (T.SquareFlushed(g) - v) * oneMinusBeta2;
        m.Store(momentum, i);
        v.Store(velocity, i);
        return (m, v);
    }
}
