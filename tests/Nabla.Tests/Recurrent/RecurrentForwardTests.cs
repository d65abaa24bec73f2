using Nabla.Activations;
using Nabla.Autograd;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// The fused ops against the cell equations written out scalar by scalar in double precision, as Keras 3's
/// LSTMCell, GRUCell and SimpleRNNCell state them (keras/src/layers/rnn/lstm.py, gru.py, simple_rnn.py).
/// </summary>
public class RecurrentForwardTests
{
    private const int B = 2, T = 5, F = 3, U = 4;

    private static double Sig(double v) => 1 / (1 + Math.Exp(-v));

    private static Tensor W(int seed, params int[] shape) => GradientCheck.Random(seed, -0.7, 0.7, shape);

    /// <summary>Σ_k x[k]·m[k, col] over a row-major [rows, width] matrix.</summary>
    private static double Dot(double[] x, float[] m, int width, int col)
    {
        double s = 0;
        for (int k = 0; k < x.Length; k++) s += x[k] * m[k * width + col];
        return s;
    }

    private static double[] InputAt(Tensor x, int b, int step) =>
        Enumerable.Range(0, F).Select(f => (double)x.Data[(b * T + step) * F + f]).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LstmFollowsTheCellEquations(bool goBackwards)
    {
        var (x, k, r, bias) = (W(1, B, T, F), W(2, F, 4 * U), W(3, U, 4 * U), W(4, 4 * U));
        var y = Op.Record(new LstmOp(x, k, r, bias, new Tanh(), new Sigmoid(), new RecurrentOptions(true, goBackwards)));
        for (int b = 0; b < B; b++)
        {
            var h = new double[U];
            var c = new double[U];
            for (int t = 0; t < T; t++)
            {
                var xt = InputAt(x, b, goBackwards ? T - 1 - t : t);
                double Gate(int g, int j) => Dot(xt, k.Data, 4 * U, g * U + j) + Dot(h, r.Data, 4 * U, g * U + j) + bias.Data[g * U + j];
                var hNew = new double[U];
                for (int j = 0; j < U; j++)
                {
                    double i = Sig(Gate(0, j)), f = Sig(Gate(1, j)), g = Math.Tanh(Gate(2, j)), o = Sig(Gate(3, j));
                    c[j] = f * c[j] + i * g;
                    hNew[j] = o * Math.Tanh(c[j]);
                }
                h = hNew;
                for (int j = 0; j < U; j++) Assert.Equal(h[j], y.Data[(b * T + t) * U + j], 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GruFollowsTheCellEquations(bool resetAfter)
    {
        var (x, k, r) = (W(1, B, T, F), W(2, F, 3 * U), W(3, U, 3 * U));
        var bias = resetAfter ? W(4, 2, 3 * U) : W(4, 3 * U);
        var y = Op.Record(new GruOp(x, k, r, bias, new Tanh(), new Sigmoid(), resetAfter, new RecurrentOptions(false, false)));
        for (int b = 0; b < B; b++)
        {
            var h = new double[U];
            for (int t = 0; t < T; t++)
            {
                var xt = InputAt(x, b, t);
                double XSide(int g, int j) => Dot(xt, k.Data, 3 * U, g * U + j) + bias.Data[g * U + j];
                double Inner(int g, int j) => Dot(h, r.Data, 3 * U, g * U + j) + (resetAfter ? bias.Data[3 * U + g * U + j] : 0);
                var z = new double[U];
                var rr = new double[U];
                for (int j = 0; j < U; j++) { z[j] = Sig(XSide(0, j) + Inner(0, j)); rr[j] = Sig(XSide(1, j) + Inner(1, j)); }
                var resetH = h.Select((v, j) => v * rr[j]).ToArray();
                var hNew = new double[U];
                for (int j = 0; j < U; j++)
                {
                    double recurrentH = resetAfter ? rr[j] * Inner(2, j) : Dot(resetH, r.Data, 3 * U, 2 * U + j);
                    double hh = Math.Tanh(XSide(2, j) + recurrentH);
                    hNew[j] = z[j] * h[j] + (1 - z[j]) * hh;
                }
                h = hNew;
            }
            for (int j = 0; j < U; j++) Assert.Equal(h[j], y.Data[b * U + j], 1e-5);
        }
    }

    [Fact]
    public void SimpleRnnFollowsTheCellEquation()
    {
        var (x, k, r, bias) = (W(1, B, T, F), W(2, F, U), W(3, U, U), W(4, U));
        var y = Op.Record(new SimpleRnnOp(x, k, r, bias, new Tanh(), new RecurrentOptions(false, false)));
        for (int b = 0; b < B; b++)
        {
            var h = new double[U];
            for (int t = 0; t < T; t++)
            {
                var xt = InputAt(x, b, t);
                h = Enumerable.Range(0, U).Select(j => Math.Tanh(Dot(xt, k.Data, U, j) + Dot(h, r.Data, U, j) + bias.Data[j])).ToArray();
            }
            for (int j = 0; j < U; j++) Assert.Equal(h[j], y.Data[b * U + j], 1e-5);
        }
    }

    [Fact]
    public void ReplayingAnLstmAndGruStepAllocatesNothing()
    {
        var x = new Tensor(4, 6, 3) { IsPlaceholder = true };
        for (int i = 0; i < x.Size; i++) x.Data[i] = MathF.Sin(i);
        var lstm = Op.Record(new LstmOp(x, W(2, 3, 16).RequireGrad(), W(3, 4, 16).RequireGrad(), W(4, 16).RequireGrad(),
            new Tanh(), new Sigmoid(), new RecurrentOptions(true, false)));
        var gru = Op.Record(new GruOp(lstm, W(5, 4, 9).RequireGrad(), W(6, 3, 9).RequireGrad(), W(7, 9).RequireGrad(),
            new Tanh(), new Sigmoid(), false, new RecurrentOptions(false, true)));
        var rnn = Op.Record(new SimpleRnnOp(lstm, W(8, 4, 2).RequireGrad(), W(9, 2, 2).RequireGrad(), null, new Tanh(),
            new RecurrentOptions(false, false, 0.3f, new RandomGenerator(1), RecurrentDropout: 0.2f)));
        var loss = Tensor.Sum(gru) + Tensor.Sum(rnn);
        var graph = new Graph(loss);
        graph.Forward();
        graph.Backward();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            graph.Forward();
            graph.Backward();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
