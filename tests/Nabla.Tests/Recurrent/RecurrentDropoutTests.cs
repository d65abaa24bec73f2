using Nabla.Activations;
using Nabla.Autograd;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Keras 3's dropout in recurrent cells: with recurrent_dropout a cell takes its per-gate implementation 1 (gru.py,
/// lstm.py: "if self.recurrent_dropout != 0.0: self.implementation = 1"), so each gate block gets its own mask on the
/// inputs and on h_{t-1}, while a GRU's blend z ⊙ h_{t-1} keeps h_{t-1} undropped. The ops are checked against a
/// step-by-step transcription of those cells on the same masks, and against finite differences.
/// </summary>
public class RecurrentDropoutTests
{
    private const int Batch = 3, Steps = 4, Features = 3, Units = 3;
    private const float InputRate = 0.3f, RecurrentRate = 0.5f;

    private static Tensor Input(int batch = Batch) => GradientCheck.Random(11, -1, 1, batch, Steps, Features);

    private static Tensor Weight(int seed, params int[] shape) => GradientCheck.Random(seed, -0.6, 0.6, shape);

    private static RecurrentOptions Dropped(float inputRate = InputRate, int seed = 5) =>
        new(true, false, inputRate, new RandomGenerator(seed), RecurrentDropout: RecurrentRate);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GruFollowsKerasPerGateCellOnTheSameMasks(bool resetAfter)
    {
        var (x, kernel, recurrent) = (Input(), Weight(2, Features, 3 * Units), Weight(3, Units, 3 * Units));
        var bias = resetAfter ? Weight(4, 2, 3 * Units) : Weight(4, 3 * Units);
        var output = Op.Record(new GruOp(x, kernel, recurrent, bias, new Tanh(), new Sigmoid(), resetAfter, Dropped()));
        var (inputMasks, stateMasks) = Masks(3, InputRate, 5);
        var expected = new float[Batch, Steps, Units];
        for (int b = 0; b < Batch; b++)
        {
            var h = new float[Units];
            for (int s = 0; s < Steps; s++)
            {
                var xs = Enumerable.Range(0, 3).Select(g => Project(x, b, s, inputMasks[g][b], kernel, g)).ToArray();
                var hs = Enumerable.Range(0, 3).Select(g => Times(h, stateMasks[g][b])).ToArray();
                float InputBias(int g, int u) => resetAfter ? bias[0, g * Units + u] : bias.Data[g * Units + u];
                float RecurrentBias(int g, int u) => resetAfter ? bias[1, g * Units + u] : 0f;
                float Gate(int g, int u) => Sigmoid(xs[g][u] + InputBias(g, u) + Dot(hs[g], recurrent, g * Units + u) + RecurrentBias(g, u));
                var z = Enumerable.Range(0, Units).Select(u => Gate(0, u)).ToArray();
                var r = Enumerable.Range(0, Units).Select(u => Gate(1, u)).ToArray();
                var resetState = hs[2].Select((v, k) => v * r[k]).ToArray();
                var next = new float[Units];
                for (int u = 0; u < Units; u++)
                {
                    float recurrentCandidate = resetAfter
                        ? r[u] * (Dot(hs[2], recurrent, 2 * Units + u) + RecurrentBias(2, u))
                        : Dot(resetState, recurrent, 2 * Units + u);
                    float candidate = MathF.Tanh(xs[2][u] + InputBias(2, u) + recurrentCandidate);
                    next[u] = z[u] * h[u] + (1 - z[u]) * candidate;    // the blend's h_{t-1} is not dropped
                }
                h = next;
                for (int u = 0; u < Units; u++) expected[b, s, u] = h[u];
            }
        }
        AssertOutput(expected, output);
    }

    [Fact]
    public void LstmFollowsKerasPerGateCellOnTheSameMasks()
    {
        var (x, kernel, recurrent, bias) = (Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), Weight(4, 4 * Units));
        var output = Op.Record(new LstmOp(x, kernel, recurrent, bias, new Tanh(), new Sigmoid(), Dropped()));
        var (inputMasks, stateMasks) = Masks(4, InputRate, 5);
        var expected = new float[Batch, Steps, Units];
        for (int b = 0; b < Batch; b++)
        {
            var (h, c) = (new float[Units], new float[Units]);
            for (int s = 0; s < Steps; s++)
            {
                var pre = new float[4][];
                for (int g = 0; g < 4; g++)
                {
                    var xs = Project(x, b, s, inputMasks[g][b], kernel, g);
                    var hs = Times(h, stateMasks[g][b]);
                    pre[g] = Enumerable.Range(0, Units).Select(u => xs[u] + Dot(hs, recurrent, g * Units + u) + bias.Data[g * Units + u]).ToArray();
                }
                var next = new float[Units];
                for (int u = 0; u < Units; u++)
                {
                    c[u] = Sigmoid(pre[1][u]) * c[u] + Sigmoid(pre[0][u]) * MathF.Tanh(pre[2][u]);
                    next[u] = Sigmoid(pre[3][u]) * MathF.Tanh(c[u]);
                }
                h = next;
                for (int u = 0; u < Units; u++) expected[b, s, u] = h[u];
            }
        }
        AssertOutput(expected, output);
    }

    [Fact]
    public void InputDropoutAloneSharesOneMaskAmongTheGates()
    {
        // Keras's implementation 2 (no recurrent dropout): inputs * dp_mask once, then one projection for every gate.
        var (x, kernel, recurrent) = (Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units));
        var options = new RecurrentOptions(true, false, InputRate, new RandomGenerator(5));
        var dropped = Op.Record(new LstmOp(x, kernel, recurrent, null, new Tanh(), new Sigmoid(), options));
        var generator = new RandomGenerator(5);
        var mask = Enumerable.Range(0, Batch * Features).Select(_ => generator.NextDouble() < InputRate ? 0f : 1f / (1f - InputRate)).ToArray();
        var maskedInput = x.ToArray().Select((v, i) => v * mask[(i / (Steps * Features)) * Features + i % Features]).ToArray();
        var plain = Op.Record(new LstmOp(Tensor.FromArray(maskedInput, [Batch, Steps, Features]), kernel, recurrent, null,
            new Tanh(), new Sigmoid(), new RecurrentOptions(true, false)));
        Assert.Equal(plain.ToArray(), dropped.ToArray());
    }

    public static TheoryData<string, float> Cells() => new()
    {
        { "gru_reset_after", InputRate }, { "gru_reset_after", 0f }, { "gru_reset_after_hard_sigmoid", InputRate },
        { "gru_reset_before", InputRate }, { "gru_reset_before", 0f }, { "lstm", InputRate }, { "lstm_hard_sigmoid", 0f },
        { "simple_rnn", InputRate },
    };

    [Theory, MemberData(nameof(Cells))]
    public void MatchesFiniteDifferences(string cell, float inputRate)
    {
        // A fresh generator with the same seed per evaluation: every finite-difference pass sees the same masks.
        foreach (int batch in new[] { 1, Batch })
        {
            int gates = cell.StartsWith("gru") ? 3 : cell.StartsWith("lstm") ? 4 : 1;
            bool resetAfter = !cell.StartsWith("gru_reset_before");
            var biasShape = cell.StartsWith("gru_reset_after") ? new[] { 2, gates * Units } : [gates * Units];
            Tensor[] inputs = [Input(batch), Weight(2, Features, gates * Units), Weight(3, Units, gates * Units), Weight(4, biasShape)];
            IActivationKernel gate = cell.EndsWith("hard_sigmoid") ? new HardSigmoid() : new Sigmoid();
            GradientCheck.Check(t => Op.Record(cell switch
            {
                "simple_rnn" => new SimpleRnnOp(t[0], t[1], t[2], t[3], new Tanh(), Dropped(inputRate)),
                _ when gates == 4 => new LstmOp(t[0], t[1], t[2], t[3], new Tanh(), gate, Dropped(inputRate)),
                _ => new GruOp(t[0], t[1], t[2], t[3], new Tanh(), gate, resetAfter, Dropped(inputRate)),
            }), inputs);
        }
    }

    [Fact]
    public void MasksHoldAcrossPaddedStepsAndGivenStates()
    {
        var mask = Tensor.FromArray([1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1], [Batch, Steps]);
        Tensor[] inputs = [Input(), Weight(2, Features, 3 * Units), Weight(3, Units, 3 * Units), Weight(4, 2, 3 * Units),
            GradientCheck.Random(6, -1, 1, Batch, Units)];
        GradientCheck.Check(t => Op.Record(new GruOp(t[0], t[1], t[2], t[3], new Tanh(), new Sigmoid(), true,
            Dropped() with { Mask = mask, InitialState = t[4], ReturnState = true })), inputs);
    }

    /// <summary>Masks in the op's documented draw order: the input masks gate by gate, then the recurrent masks.</summary>
    private static (float[][][] Inputs, float[][][] States) Masks(int gates, float inputRate, int seed)
    {
        var generator = new RandomGenerator(seed);
        float[][][] Draw(int size, float rate) => Enumerable.Range(0, gates).Select(_ => Enumerable.Range(0, Batch)
            .Select(_ => Enumerable.Range(0, size).Select(_ => generator.NextDouble() < rate ? 0f : 1f / (1f - rate)).ToArray())
            .ToArray()).ToArray();
        var inputs = Draw(Features, inputRate);
        return (inputs, Draw(Units, RecurrentRate));
    }

    /// <summary>(x[b, s] ⊙ mask)·kernel[:, gate block g].</summary>
    private static float[] Project(Tensor x, int b, int s, float[] mask, Tensor kernel, int g) =>
        Enumerable.Range(0, Units).Select(u => Enumerable.Range(0, Features)
            .Sum(f => x[b, s, f] * mask[f] * kernel[f, g * Units + u])).ToArray();

    private static float[] Times(float[] values, float[] mask) => values.Select((v, i) => v * mask[i]).ToArray();

    private static float Dot(float[] h, Tensor kernel, int column) => Enumerable.Range(0, Units).Sum(k => h[k] * kernel[k, column]);

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));

    private static void AssertOutput(float[,,] expected, Tensor output)
    {
        Assert.Equal([Batch, Steps, Units], output.Shape);
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Steps; s++)
                for (int u = 0; u < Units; u++)
                    Assert.True(MathF.Abs(expected[b, s, u] - output[b, s, u]) < 1e-5f,
                        $"[{b}, {s}, {u}]: expected {expected[b, s, u]}, found {output[b, s, u]}");
    }
}
