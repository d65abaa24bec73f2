using Nabla.Initializers;
using Nabla.Kernels;
using Nabla.Regularizers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's <c>ConvLSTM1D</c>, <c>ConvLSTM2D</c> and <c>ConvLSTM3D</c> share (keras/src/layers/rnn/conv_lstm.py): an
/// LSTM whose input and recurrent products are convolutions. Inputs [batch, time, spatial..., channels] (channels_last);
/// weights <c>kernel</c> [window..., channels, 4·filters], <c>recurrent_kernel</c> [window..., filters, 4·filters] and
/// <c>bias</c> [4·filters], gates in Keras's order i, f, c, o. Per step, with z = conv(x_t, kernel) + bias +
/// conv(h_{t-1}, recurrent_kernel): i, f, o = recurrent_activation(z's blocks), c_t = f·c_{t-1} + i·activation(z_c),
/// h_t = o·activation(c_t). The input convolution takes the layer's strides, padding and dilation; the recurrent one is
/// always stride 1, "same" and undilated (Keras's <c>recurrent_conv</c>), so the states keep the input convolution's
/// output size, and both start at zeros of that size. A timestep mask on the inputs (<see cref="Tensor.KerasMask"/>) makes
/// masked steps keep the states and repeat the previous output, as Keras's RNN.
/// The recurrence is recorded step by step from existing ops (convolution, slice, activations, products), so its
/// gradients are theirs; the input convolution runs once over every step together.
/// </summary>
public abstract partial class ConvLSTM : Layer
{
    private readonly int rank;
    private readonly ConvWindow window;
    private readonly RandomGenerator? dropoutGenerator;
    private ActivationFunction activation, recurrentActivation;
    private Initializer kernelInitializer, recurrentInitializer, biasInitializer;
    private Regularizer? kernelRegularizer, recurrentRegularizer, biasRegularizer;
    private Tensor? kernel, recurrentKernel, bias;
    private ConvGeometry? inputGeometry, recurrentGeometry;

    private protected ConvLSTM(int rank, int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate,
        string? dataFormat, string? activation, string? recurrentActivation, bool useBias, string kernelInitializer,
        string recurrentInitializer, string biasInitializer, bool unitForgetBias, double dropout, double recurrentDropout,
        bool returnSequences, bool returnState, bool goBackwards, bool stateful, int? seed, int[]? inputShape, string? name)
        : base(name, inputShape)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        ConvOptions.CheckDataFormat(what, dataFormat);
        if (stateful)
            throw new ArgumentException(
                $"{what}: 'stateful' is not supported (Nabla carries states between batches only for LSTM, GRU and SimpleRNN).",
                nameof(stateful));
        if (!(dropout >= 0 && dropout < 1))
            throw new ArgumentException($"{what}: 'dropout' must be in [0, 1), found {dropout}.", nameof(dropout));
        if (!(recurrentDropout >= 0 && recurrentDropout < 1))
            throw new ArgumentException($"{what}: 'recurrent_dropout' must be in [0, 1), found {recurrentDropout}.", nameof(recurrentDropout));
        Filters = filters;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        this.activation = ActivationFunction.Get(activation);
        this.recurrentActivation = ActivationFunction.Get(recurrentActivation);
        UseBias = useBias;
        this.kernelInitializer = Initializer.Get(kernelInitializer);
        this.recurrentInitializer = Initializer.Get(recurrentInitializer);
        this.biasInitializer = Initializer.Get(biasInitializer);
        UnitForgetBias = unitForgetBias;
        Dropout = dropout;
        RecurrentDropout = recurrentDropout;
        ReturnSequences = returnSequences;
        ReturnState = returnState;
        GoBackwards = goBackwards;
        Seed = seed;
        if (seed is int s) dropoutGenerator = new RandomGenerator(s);
    }

    public int Filters { get; }

    /// <summary>"valid" or "same" (of the input convolution; the recurrent one is always "same").</summary>
    public string Padding => window.PaddingName;

    /// <summary>Keras's default is tanh.</summary>
    public ActivationFunction Activation { get => activation; init => activation = value; }

    /// <summary>Keras's default is sigmoid.</summary>
    public ActivationFunction RecurrentActivation { get => recurrentActivation; init => recurrentActivation = value; }

    public bool UseBias { get; }

    /// <summary>Keras's default is glorot_uniform.</summary>
    public Initializer KernelInitializer { get => kernelInitializer; init => kernelInitializer = value; }

    /// <summary>Keras's default is orthogonal.</summary>
    public Initializer RecurrentInitializer { get => recurrentInitializer; init => recurrentInitializer = value; }

    /// <summary>Keras's default is zeros.</summary>
    public Initializer BiasInitializer { get => biasInitializer; init => biasInitializer = value; }

    /// <summary>Keras's default is true: the forget gate's bias starts at 1, the others from the bias initializer.</summary>
    public bool UnitForgetBias { get; }

    public Regularizer? KernelRegularizer { get => kernelRegularizer; init => kernelRegularizer = value; }

    public Regularizer? RecurrentRegularizer { get => recurrentRegularizer; init => recurrentRegularizer = value; }

    public Regularizer? BiasRegularizer { get => biasRegularizer; init => biasRegularizer = value; }

    /// <summary>Keras's <c>kernel_constraint</c>, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? KernelConstraint { get; set; }

    /// <summary>Keras's <c>recurrent_constraint</c>; null for none.</summary>
    public Constraints.Constraint? RecurrentConstraint { get; set; }

    /// <summary>Keras's <c>bias_constraint</c>; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; set; }

    /// <summary>Fraction of the inputs dropped in training: as Keras's cell, four masks (one per gate) of one step's input
    /// shape per sample, the same for all its steps.</summary>
    public double Dropout { get; }

    /// <summary>Fraction of h_{t-1} dropped before the recurrent convolution in training: four masks per sample, as
    /// <see cref="Dropout"/>.</summary>
    public double RecurrentDropout { get; }

    /// <summary>Output every step's h, [batch, time, spatial..., filters], instead of the last one.</summary>
    public bool ReturnSequences { get; }

    /// <summary>Return the final h and c after the output (Keras's return_state), each [batch, spatial..., filters].</summary>
    public bool ReturnState { get; }

    /// <summary>Process the sequence from its last step to its first (the outputs come in that order, as in Keras).</summary>
    public bool GoBackwards { get; }

    public int? Seed { get; }

    /// <summary>Keras's <c>zero_output_for_mask</c> (default false): with a timestep mask, the output at a masked step is
    /// zero rather than the previous output.</summary>
    public bool ZeroOutputForMask { get; set; }

    /// <summary>1, 2 or 3 spatial axes.</summary>
    internal int Rank => rank;

    private protected Size3D Window => window.KernelSize;

    private protected Size3D StrideSize => window.Strides;

    private protected Size3D DilationSize => window.DilationRate;

    public Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor RecurrentKernel => recurrentKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    public override int TensorsPerCall => ReturnState ? 3 : 1;

    private protected override string DescribeCallOutputs => "the output, then h and c";

    /// <summary>Keras's RNN passes the mask on when it returns sequences (keras/src/layers/rnn/conv_lstm.py, compute_mask).</summary>
    public override Tensor? ComputeMask(Tensor inputs, Tensor? mask) => ReturnSequences ? mask : null;

    /// <summary>The sequence's length may be unknown; Keras's ConvLSTM needs its spatial axes and channels.</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => axis == 0;

    /// <summary>The weights depend on the step's shape only, so a built layer runs sequences of any length.</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        built.Length == inputShape.Length && built.AsSpan(1).SequenceEqual(inputShape.AsSpan(1));

    /// <summary>Keras 3 keeps the weights in the layer's cell (ConvLSTMCell, its attribute "cell"):
    /// "layers/conv_lstm2d/cell/vars".</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups => [("cell", Weights.Count)];

    private ConvGeometry InputGeometry(int[] stepShape) =>
        ConvOptions.Geometry(this, rank, stepShape, Window, StrideSize, DilationSize, window.Padding);

    /// <summary>The recurrent convolution over a state of <paramref name="stateShape"/> (spatial..., filters).</summary>
    private ConvGeometry RecurrentGeometry(int[] stateShape) =>
        ConvOptions.Geometry(this, rank, stateShape, Window, 1, 1, ConvPadding.Same);

    /// <summary>One state's per-sample shape, [spatial..., filters], for a step of <paramref name="stepShape"/>.</summary>
    private int[] StateShape(int[] stepShape) => [.. InputGeometry(stepShape).OutSpatial(rank), Filters];

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != rank + 2)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) needs inputs of rank {rank + 3} ([batch, time, " +
                $"{rank switch { 1 => "steps", 2 => "rows, cols", _ => "depth, rows, cols" }}, channels]), found per-sample shape {Describe(inputShape)}.");
        var state = StateShape(inputShape[1..]);
        return ReturnSequences ? [inputShape[0], .. state] : state;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        int[] stepShape = inputShape[1..];
        inputGeometry = InputGeometry(stepShape);
        recurrentGeometry = RecurrentGeometry(StateShape(stepShape));
        int[] windowShape = Window.Last(rank);
        kernel = AddKernel("kernel", [.. windowShape, stepShape[^1], 4 * Filters], KernelInitializer, KernelRegularizer);
        recurrentKernel = AddKernel("recurrent_kernel", [.. windowShape, Filters, 4 * Filters], RecurrentInitializer, RecurrentRegularizer);
        Constrain(kernel, KernelConstraint);
        Constrain(recurrentKernel, RecurrentConstraint);
        if (!UseBias) return;
        bias = AddWeight("bias", [4 * Filters], BiasInitializer, regularizer: BiasRegularizer);
        Constrain(bias, BiasConstraint);
        if (UnitForgetBias) bias.Data.AsSpan(Filters, Filters).Fill(1f);
    }
}
