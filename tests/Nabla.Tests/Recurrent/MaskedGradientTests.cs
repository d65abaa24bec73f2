using Nabla.Activations;
using Nabla.Autograd;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>Finite-difference checks of backpropagation through time with a timestep mask, and the masked forward
/// semantics of Keras's backend rnn: a masked step keeps the previous state; its output is that state, or zero with
/// zero_output_for_mask.</summary>
public class MaskedGradientTests
{
    private const int Batch = 3, Steps = 4, Features = 3, Units = 3;

    // Right padding, a masked first step with gaps, and no padding.
    private static Tensor Mask() => Tensor.FromArray([1, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 1], Batch, Steps);

    private static Tensor Input(int seed = 11) => GradientCheck.Random(seed, -1, 1, Batch, Steps, Features);

    private static Tensor Weight(int seed, params int[] shape) => GradientCheck.Random(seed, -0.6, 0.6, shape);

    public static TheoryData<string, bool, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool, bool>();
        foreach (var cell in new[] { "lstm", "gru", "gru_reset_before", "simple_rnn" })
            foreach (bool sequences in new[] { false, true })
                foreach (bool backwards in new[] { false, true })
                    foreach (bool zeroOutput in new[] { false, true })
                        data.Add(cell, sequences, backwards, zeroOutput);
        return data;
    }

    private static int Gates(string cell) => cell switch { "lstm" => 4, "simple_rnn" => 1, _ => 3 };

    private static Tensor[] Weights(string cell)
    {
        int width = Gates(cell) * Units;
        Tensor bias = cell == "gru" ? Weight(4, 2, width) : Weight(4, width);
        return [Weight(2, Features, width), Weight(3, Units, width), bias];
    }

    private static RecurrentOp Create(string cell, Tensor x, Tensor[] w, RecurrentOptions options) => cell switch
    {
        "lstm" => new LstmOp(x, w[0], w[1], w[2], new Tanh(), new Sigmoid(), options),
        "gru" => new GruOp(x, w[0], w[1], w[2], new Tanh(), new Sigmoid(), true, options),
        "gru_reset_before" => new GruOp(x, w[0], w[1], w[2], new Tanh(), new Sigmoid(), false, options),
        _ => new SimpleRnnOp(x, w[0], w[1], w[2], new Tanh(), options),
    };

    [Theory, MemberData(nameof(Cases))]
    public void MaskedSequencesMatchFiniteDifferences(string cell, bool returnSequences, bool goBackwards, bool zeroOutput)
    {
        var mask = Mask();
        var options = new RecurrentOptions(returnSequences, goBackwards, Mask: mask, ZeroOutputForMask: zeroOutput);
        Tensor[] inputs = [Input(), .. Weights(cell)];
        GradientCheck.Check(t => Op.Record(Create(cell, t[0], t[1..], options)), inputs);
    }

    [Theory]
    [InlineData("lstm")]
    [InlineData("gru")]
    [InlineData("gru_reset_before")]
    [InlineData("simple_rnn")]
    public void MaskedStepsKeepTheStateAndIgnoreTheirInputs(string cell)
    {
        var w = Weights(cell);
        var mask = Mask();
        var options = new RecurrentOptions(true, false, Mask: mask);
        var y = Create(cell, Input(), w, options);
        y.Forward();
        // Other values at the masked steps change nothing.
        var other = Input(12);
        var x = Input();
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Steps; s++)
                if (mask.Data[b * Steps + s] == 0)
                    for (int f = 0; f < Features; f++) x.Data[(b * Steps + s) * Features + f] = other.Data[(b * Steps + s) * Features + f];
        var y2 = Create(cell, x, w, options);
        y2.Forward();
        Assert.Equal(y.Output.Data, y2.Output.Data);
        // Sample 0 is [1, 1, 0, 0]: steps 2 and 3 repeat step 1's state.
        float[] Row(int b, int s) => y.Output.Data.AsSpan((b * Steps + s) * Units, Units).ToArray();
        Assert.Equal(Row(0, 1), Row(0, 2));
        Assert.Equal(Row(0, 1), Row(0, 3));
        // Sample 1 is [0, 1, 0, 1]: step 0 keeps the zero initial state, step 2 repeats step 1.
        Assert.All(Row(1, 0), v => Assert.Equal(0f, v));
        Assert.Equal(Row(1, 1), Row(1, 2));
        // Sample 0's state equals an unmasked run over its two real steps.
        var prefix = new Tensor(1, 2, Features);
        x.Data.AsSpan(0, 2 * Features).CopyTo(prefix.Data);
        var unmasked = Create(cell, prefix, w, new RecurrentOptions(false, false));
        unmasked.Forward();
        Assert.Equal(Row(0, 3), unmasked.Output.Data);
    }

    [Fact]
    public void ZeroOutputForMaskZeroesMaskedOutputsOnly()
    {
        var w = Weights("lstm");
        var kept = Create("lstm", Input(), w, new RecurrentOptions(true, false, Mask: Mask()));
        var zeroed = Create("lstm", Input(), w, new RecurrentOptions(true, false, Mask: Mask(), ZeroOutputForMask: true));
        kept.Forward();
        zeroed.Forward();
        var mask = Mask();
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Steps; s++)
            {
                var k = kept.Output.Data.AsSpan((b * Steps + s) * Units, Units).ToArray();
                var z = zeroed.Output.Data.AsSpan((b * Steps + s) * Units, Units).ToArray();
                if (mask.Data[b * Steps + s] == 0) Assert.All(z, v => Assert.Equal(0f, v));
                else Assert.Equal(k, z);
            }
    }

    [Fact]
    public void AMaskOfTheWrongShapeIsRefusedNamingBothShapes()
    {
        var w = Weights("simple_rnn");
        var ex = Assert.Throws<ArgumentException>(() =>
            Create("simple_rnn", Input(), w, new RecurrentOptions(false, false, Mask: new Tensor(Batch, Steps + 1))));
        Assert.Contains("[3, 4]", ex.Message);
        Assert.Contains("[3, 5]", ex.Message);
    }
}
