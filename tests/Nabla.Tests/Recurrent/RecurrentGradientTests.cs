using Nabla.Activations;
using Nabla.Autograd;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>Finite-difference checks of backpropagation through time, over short sequences and every option.</summary>
public class RecurrentGradientTests
{
    private const int Batch = 2, Steps = 4, Features = 3, Units = 3;

    private static Tensor Input() => GradientCheck.Random(11, -1, 1, Batch, Steps, Features);

    private static Tensor Weight(int seed, params int[] shape) => GradientCheck.Random(seed, -0.6, 0.6, shape);

    public static TheoryData<bool, bool, bool> Options()
    {
        var data = new TheoryData<bool, bool, bool>();
        foreach (bool sequences in new[] { false, true })
            foreach (bool backwards in new[] { false, true })
                foreach (bool bias in new[] { false, true })
                    data.Add(sequences, backwards, bias);
        return data;
    }

    [Theory, MemberData(nameof(Options))]
    public void LstmMatchesFiniteDifferences(bool returnSequences, bool goBackwards, bool useBias)
    {
        var options = new RecurrentOptions(returnSequences, goBackwards);
        Tensor[] inputs = [Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), .. useBias ? [Weight(4, 4 * Units)] : Array.Empty<Tensor>()];
        GradientCheck.Check(t => Op.Record(new LstmOp(t[0], t[1], t[2], useBias ? t[3] : null, new Tanh(), new Sigmoid(), options)), inputs);
    }

    [Theory, MemberData(nameof(Options))]
    public void GruResetAfterMatchesFiniteDifferences(bool returnSequences, bool goBackwards, bool useBias)
    {
        var options = new RecurrentOptions(returnSequences, goBackwards);
        Tensor[] inputs = [Input(), Weight(2, Features, 3 * Units), Weight(3, Units, 3 * Units), .. useBias ? [Weight(4, 2, 3 * Units)] : Array.Empty<Tensor>()];
        GradientCheck.Check(t => Op.Record(new GruOp(t[0], t[1], t[2], useBias ? t[3] : null, new Tanh(), new Sigmoid(), true, options)), inputs);
    }

    [Theory, MemberData(nameof(Options))]
    public void GruResetBeforeMatchesFiniteDifferences(bool returnSequences, bool goBackwards, bool useBias)
    {
        var options = new RecurrentOptions(returnSequences, goBackwards);
        Tensor[] inputs = [Input(), Weight(2, Features, 3 * Units), Weight(3, Units, 3 * Units), .. useBias ? [Weight(4, 3 * Units)] : Array.Empty<Tensor>()];
        GradientCheck.Check(t => Op.Record(new GruOp(t[0], t[1], t[2], useBias ? t[3] : null, new Tanh(), new Sigmoid(), false, options)), inputs);
    }

    [Theory, MemberData(nameof(Options))]
    public void SimpleRnnMatchesFiniteDifferences(bool returnSequences, bool goBackwards, bool useBias)
    {
        var options = new RecurrentOptions(returnSequences, goBackwards);
        Tensor[] inputs = [Input(), Weight(2, Features, Units), Weight(3, Units, Units), .. useBias ? [Weight(4, Units)] : Array.Empty<Tensor>()];
        GradientCheck.Check(t => Op.Record(new SimpleRnnOp(t[0], t[1], t[2], useBias ? t[3] : null, new Tanh(), options)), inputs);
    }

    [Fact]
    public void OtherActivationsMatchFiniteDifferences()
    {
        var options = new RecurrentOptions(true, false);
        Tensor[] lstm = [Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), Weight(4, 4 * Units)];
        GradientCheck.Check(t => Op.Record(new LstmOp(t[0], t[1], t[2], t[3], new Softsign(), new HardSigmoid(), options)), lstm);
        Tensor[] rnn = [Input(), Weight(2, Features, Units), Weight(3, Units, Units)];
        GradientCheck.Check(t => Op.Record(new SimpleRnnOp(t[0], t[1], t[2], null, new Relu(), options)), rnn);
    }

    [Fact]
    public void DropoutMaskIsFixedWithinAStepAndDifferentiated()
    {
        // A fresh generator with the same seed per evaluation: every finite-difference pass sees the same mask.
        var inputs = new[] { Input(), Weight(2, Features, Units), Weight(3, Units, Units) };
        GradientCheck.Check(t => Op.Record(new SimpleRnnOp(t[0], t[1], t[2], null, new Tanh(),
            new RecurrentOptions(true, false, 0.5f, new RandomGenerator(7)))), inputs);
    }

    [Fact]
    public void RecurrentDropoutMaskIsSharedByEveryStepAndDifferentiated()
    {
        var options = new RecurrentOptions(true, false, 0.3f, new RandomGenerator(5), RecurrentDropout: 0.5f);
        Tensor[] lstm = [Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), Weight(4, 4 * Units)];
        GradientCheck.Check(t => Op.Record(new LstmOp(t[0], t[1], t[2], t[3], new Tanh(), new Sigmoid(),
            options with { DropoutGenerator = new RandomGenerator(5) })), lstm);
        Tensor[] rnn = [Input(), Weight(2, Features, Units), Weight(3, Units, Units), Weight(4, Units)];
        GradientCheck.Check(t => Op.Record(new SimpleRnnOp(t[0], t[1], t[2], t[3], new Tanh(),
            options with { DropoutGenerator = new RandomGenerator(5) })), rnn);
    }

    [Fact]
    public void RecurrentDropoutChangesTheStepsAfterTheFirst()
    {
        var x = Input();
        var (k, r) = (Weight(2, Features, Units), Weight(3, Units, Units));
        var plain = Op.Record(new SimpleRnnOp(x, k, r, null, new Tanh(), new RecurrentOptions(true, false)));
        var dropped = Op.Record(new SimpleRnnOp(x, k, r, null, new Tanh(),
            new RecurrentOptions(true, false, 0, new RandomGenerator(1), RecurrentDropout: 0.5f)));
        // Step 1 multiplies h_0 = 0, so the mask cannot show there; later steps see a masked, rescaled h_{t-1}.
        for (int u = 0; u < Units; u++) Assert.Equal(plain[0, 0, u], dropped[0, 0, u]);
        Assert.NotEqual(plain.ToArray(), dropped.ToArray());
    }
}
