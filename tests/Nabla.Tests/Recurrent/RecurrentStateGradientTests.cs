using Nabla.Activations;
using Nabla.Autograd;
using Nabla.Autograd.Ops.Recurrent;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>Finite-difference checks of the recurrent ops started from given states and returning their final states
/// (Keras's initial_state and return_state): the packed output's final-state rows and the initial states' gradients.</summary>
public class RecurrentStateGradientTests
{
    private const int Batch = 2, Steps = 4, Features = 3, Units = 3;

    private static Tensor Input() => GradientCheck.Random(11, -1, 1, Batch, Steps, Features);

    private static Tensor Weight(int seed, params int[] shape) => GradientCheck.Random(seed, -0.6, 0.6, shape);

    private static Tensor State(int seed) => GradientCheck.Random(seed, -0.8, 0.8, Batch, Units);

    public static TheoryData<bool, bool> Options() => new() { { false, false }, { true, false }, { false, true }, { true, true } };

    private static RecurrentOptions WithStates(bool returnSequences, bool goBackwards, Tensor h0, Tensor? c0 = null, Tensor? mask = null) =>
        new(returnSequences, goBackwards, Mask: mask, InitialState: h0, InitialCarriedState: c0, ReturnState: true);

    [Theory, MemberData(nameof(Options))]
    public void LstmFromGivenStatesReturningItsStatesMatchesFiniteDifferences(bool returnSequences, bool goBackwards)
    {
        Tensor[] inputs = [Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), Weight(4, 4 * Units), State(5), State(6)];
        GradientCheck.Check(t => Op.Record(new LstmOp(t[0], t[1], t[2], t[3], new Tanh(), new Sigmoid(),
            WithStates(returnSequences, goBackwards, t[4], t[5]))), inputs);
    }

    [Theory, MemberData(nameof(Options))]
    public void GruFromAGivenStateReturningItMatchesFiniteDifferences(bool returnSequences, bool goBackwards)
    {
        Tensor[] inputs = [Input(), Weight(2, Features, 3 * Units), Weight(3, Units, 3 * Units), Weight(4, 2, 3 * Units), State(5)];
        GradientCheck.Check(t => Op.Record(new GruOp(t[0], t[1], t[2], t[3], new Tanh(), new Sigmoid(), true,
            WithStates(returnSequences, goBackwards, t[4]))), inputs);
    }

    [Theory, MemberData(nameof(Options))]
    public void SimpleRnnFromAGivenStateReturningItMatchesFiniteDifferences(bool returnSequences, bool goBackwards)
    {
        Tensor[] inputs = [Input(), Weight(2, Features, Units), Weight(3, Units, Units), Weight(4, Units), State(5)];
        GradientCheck.Check(t => Op.Record(new SimpleRnnOp(t[0], t[1], t[2], t[3], new Tanh(),
            WithStates(returnSequences, goBackwards, t[4]))), inputs);
    }

    [Fact]
    public void MaskedStepsCarryTheGivenStatesThroughInBothDirections()
    {
        // Sample 0 is padded at the end, sample 1 at the start: h_0 and c_0 cross masked steps at either end.
        var mask = Tensor.FromArray([1, 1, 0, 0, 0, 1, 1, 1], [Batch, Steps]);
        Tensor[] inputs = [Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), Weight(4, 4 * Units), State(5), State(6)];
        foreach (bool zeroOutput in new[] { false, true })
            GradientCheck.Check(t => Op.Record(new LstmOp(t[0], t[1], t[2], t[3], new Tanh(), new Sigmoid(),
                WithStates(true, false, t[4], t[5], mask) with { ZeroOutputForMask = zeroOutput })), inputs);
    }

    [Fact]
    public void RecurrentDropoutAppliesToTheGivenInitialState()
    {
        // A fresh generator with the same seed per evaluation: every finite-difference pass sees the same masks.
        Tensor[] inputs = [Input(), Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), State(5), State(6)];
        GradientCheck.Check(t => Op.Record(new LstmOp(t[0], t[1], t[2], null, new Tanh(), new Sigmoid(),
            WithStates(false, false, t[3], t[4]) with { RecurrentDropout = 0.4f, DropoutGenerator = new RandomGenerator(9) })), inputs);
    }

    [Fact]
    public void TheFinalStatesFollowTheOutputRowsOfEachSample()
    {
        var x = Input();
        var plain = Op.Record(new LstmOp(x, Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), null, new Tanh(), new Sigmoid(),
            new RecurrentOptions(true, false)));
        var packed = Op.Record(new LstmOp(x, Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), null, new Tanh(), new Sigmoid(),
            new RecurrentOptions(true, false, ReturnState: true)));
        Assert.Equal([Batch, Steps + 2, Units], packed.Shape);
        for (int b = 0; b < Batch; b++)
        {
            // Rows 0..steps-1: the sequence; row steps: h_T, the sequence's last row.
            Assert.Equal(plain.Data.AsSpan(b * Steps * Units, Steps * Units).ToArray(),
                packed.Data.AsSpan(b * (Steps + 2) * Units, Steps * Units).ToArray());
            Assert.Equal(plain.Data.AsSpan(((b + 1) * Steps - 1) * Units, Units).ToArray(),
                packed.Data.AsSpan((b * (Steps + 2) + Steps) * Units, Units).ToArray());
        }
    }

    [Fact]
    public void InitialStatesOfTheWrongShapeOrForACellWithoutThemAreRefused()
    {
        var x = Input();
        var e = Assert.Throws<ArgumentException>(() => new LstmOp(x, Weight(2, Features, 4 * Units), Weight(3, Units, 4 * Units), null,
            new Tanh(), new Sigmoid(), new RecurrentOptions(false, false, InitialState: new Tensor(Batch + 1, Units))));
        Assert.Contains($"[batch, units] = [{Batch}, {Units}]", e.Message);
        Assert.Throws<ArgumentException>(() => new SimpleRnnOp(x, Weight(2, Features, Units), Weight(3, Units, Units), null, new Tanh(),
            new RecurrentOptions(false, false, InitialState: State(1), InitialCarriedState: State(2))));
    }
}
