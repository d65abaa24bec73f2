using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// One LSTM step's gate math for a range of batch rows in a single pass over the units, with Keras's default
/// activations (recurrent sigmoid, tanh) evaluated inline: the four gates, the cell, its tanh and the state
/// forward; the cell's and the four pre-activations' gradients backward. Each row is [i | f | c | o] blocks of
/// <c>units</c>; Vector512, then 256 and 128 lanes, then a scalar tail, all from one generic body.
/// </summary>
internal static unsafe class LstmCell
{
    /// <summary>Pointers to row 0 of one step's buffers ([batch, 4·units] or [batch, units]).</summary>
    public struct Step
    {
        public float* PreActivations, Gates, CellPrevious, Cell, CellActivation, State;
        public float* GradState, GradCell, GradPreActivations;
        public int Units;
    }

    /// <summary>a = (σ(z_i), σ(z_f), tanh(z_c), σ(z_o)); c = f ⊙ c_prev + i ⊙ g; h = o ⊙ tanh(c), rows [r0, r1).</summary>
    public static void Forward(in Step s, int r0, int r1) => LaneRows.Run<ForwardPass, Step>(s, r0, r1);

    /// <summary>
    /// Given dLoss/dh_t in GradState and dLoss/dc_t in GradCell, writes the pre-activations' gradients and leaves
    /// dLoss/dc_{t-1} in GradCell, rows [r0, r1). The same products as the unfused path: dc += (dh ⊙ o) ⊙ (1 − tanh²c),
    /// then d(z) = dgate ⊙ σ'(·) or ⊙ (1 − g²).
    /// </summary>
    public static void Backward(in Step s, int r0, int r1) => LaneRows.Run<BackwardPass, Step>(s, r0, r1);

    private readonly struct ForwardPass : ILanePass<Step>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public static int Columns<T>(in Step s, int b, int j) where T : struct, IFloatLanes<T>
        {
            int u = s.Units;
            float* z = s.PreActivations + (nint)b * 4 * u, a = s.Gates + (nint)b * 4 * u;
            float* cPrev = s.CellPrevious + (nint)b * u, c = s.Cell + (nint)b * u, cAct = s.CellActivation + (nint)b * u, h = s.State + (nint)b * u;
            for (; j <= u - T.Count; j += T.Count)
            {
                var i = LaneMath.Sigmoid(T.Load(z + j));
                var f = LaneMath.Sigmoid(T.Load(z + u + j));
                var g = LaneMath.Tanh(T.Load(z + 2 * u + j));
                var o = LaneMath.Sigmoid(T.Load(z + 3 * u + j));
                i.Store(a + j);
                f.Store(a + u + j);
                g.Store(a + 2 * u + j);
                o.Store(a + 3 * u + j);
                var cell = f * T.Load(cPrev + j) + i * g;
                cell.Store(c + j);
                var cellActivation = LaneMath.Tanh(cell);
                cellActivation.Store(cAct + j);
                (o * cellActivation).Store(h + j);
            }
            return j;
        }
    }

    private readonly struct BackwardPass : ILanePass<Step>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public static int Columns<T>(in Step s, int b, int j) where T : struct, IFloatLanes<T>
        {
            int u = s.Units;
            float* a = s.Gates + (nint)b * 4 * u, dz = s.GradPreActivations + (nint)b * 4 * u;
            float* cPrev = s.CellPrevious + (nint)b * u, cAct = s.CellActivation + (nint)b * u;
            float* dh = s.GradState + (nint)b * u, dc = s.GradCell + (nint)b * u;
            var one = T.Create(1f);
            for (; j <= u - T.Count; j += T.Count)
            {
                var i = T.Load(a + j);
                var f = T.Load(a + u + j);
                var g = T.Load(a + 2 * u + j);
                var o = T.Load(a + 3 * u + j);
                var dhj = T.Load(dh + j);
                var cellActivation = T.Load(cAct + j);
                var dCell = T.Load(dc + j) + dhj * o * (one - cellActivation * cellActivation);
                (dCell * g * i * (one - i)).Store(dz + j);
                (dCell * T.Load(cPrev + j) * f * (one - f)).Store(dz + u + j);
                (dCell * i * (one - g * g)).Store(dz + 2 * u + j);
                (dhj * cellActivation * o * (one - o)).Store(dz + 3 * u + j);
                // The cell's gradient flows on to c_{t-1} through the forget gate.
                (dCell * f).Store(dc + j);
            }
            return j;
        }
    }
}
