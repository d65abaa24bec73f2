using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// One reset_after GRU step's gate math for a range of batch rows in a single pass over the units, with Keras's
/// default activations (recurrent sigmoid, tanh) evaluated inline. Rows are [z | r | h] blocks of <c>units</c>.
/// Forward: z, r = σ(x + h_{t-1}·U + b'), ĥ = tanh(x_h + r ⊙ (h_{t-1}·U_h + b'_h)), h = ĥ + z ⊙ (h_{t-1} − ĥ).
/// Backward: the same products as the unfused path. Vector512, 256 and 128 lanes, then a scalar tail.
/// </summary>
internal static unsafe class GruCell
{
    /// <summary>Pointers to row 0 of one step's buffers ([batch, 3·units] or [batch, units]); RecurrentBias may be null.</summary>
    public struct Step
    {
        public float* Projected, RecurrentProduct, RecurrentBias, Inner, Gates, StatePrevious, State;
        public float* GradState, GradProjected, GradInner;
        public int Units;
    }

    public static void Forward(in Step s, int r0, int r1) => LaneRows.Run<ForwardPass, Step>(s, r0, r1);

    /// <summary>Given dLoss/dh_t in GradState, writes the x-side and recurrent-side pre-activation gradients and leaves
    /// dh ⊙ z in GradState (the caller adds d(inner)·Uᵀ).</summary>
    public static void Backward(in Step s, int r0, int r1) => LaneRows.Run<BackwardPass, Step>(s, r0, r1);

    private readonly struct ForwardPass : ILanePass<Step>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public static int Columns<T>(in Step s, int b, int j) where T : struct, IFloatLanes<T>
        {
            int n = s.Units;
            float* x = s.Projected + (nint)b * 3 * n, product = s.RecurrentProduct + (nint)b * 3 * n;
            float* inner = s.Inner + (nint)b * 3 * n, a = s.Gates + (nint)b * 3 * n, bias = s.RecurrentBias;
            float* hPrev = s.StatePrevious + (nint)b * n, h = s.State + (nint)b * n;
            for (; j <= n - T.Count; j += T.Count)
            {
                T recurrentZ = T.Load(product + j), recurrentR = T.Load(product + n + j), recurrentH = T.Load(product + 2 * n + j);
                if (bias != null)
                {
                    recurrentZ += T.Load(bias + j);
                    recurrentR += T.Load(bias + n + j);
                    recurrentH += T.Load(bias + 2 * n + j);
                }
                recurrentH.Store(inner + 2 * n + j);
                var z = LaneMath.Sigmoid(T.Load(x + j) + recurrentZ);
                var r = LaneMath.Sigmoid(T.Load(x + n + j) + recurrentR);
                var candidate = LaneMath.Tanh(r * recurrentH + T.Load(x + 2 * n + j));
                z.Store(a + j);
                r.Store(a + n + j);
                candidate.Store(a + 2 * n + j);
                (z * (T.Load(hPrev + j) - candidate) + candidate).Store(h + j);
            }
            return j;
        }
    }

    private readonly struct BackwardPass : ILanePass<Step>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public static int Columns<T>(in Step s, int b, int j) where T : struct, IFloatLanes<T>
        {
            int n = s.Units;
            float* a = s.Gates + (nint)b * 3 * n, inner = s.Inner + (nint)b * 3 * n;
            float* dz = s.GradProjected + (nint)b * 3 * n, dInner = s.GradInner + (nint)b * 3 * n;
            float* hPrev = s.StatePrevious + (nint)b * n, dh = s.GradState + (nint)b * n;
            var one = T.Create(1f);
            for (; j <= n - T.Count; j += T.Count)
            {
                T z = T.Load(a + j), r = T.Load(a + n + j), candidate = T.Load(a + 2 * n + j), dhj = T.Load(dh + j);
                var dzGate = dhj * (T.Load(hPrev + j) - candidate);
                var dCandidate = (dhj - dhj * z) * (one - candidate * candidate);
                var dr = dCandidate * T.Load(inner + 2 * n + j);
                var dzPre = dzGate * z * (one - z);
                var drPre = dr * r * (one - r);
                dzPre.Store(dz + j);
                drPre.Store(dz + n + j);
                dCandidate.Store(dz + 2 * n + j);
                dzPre.Store(dInner + j);
                drPre.Store(dInner + n + j);
                (dCandidate * r).Store(dInner + 2 * n + j);
                (dhj * z).Store(dh + j);
            }
            return j;
        }
    }
}
