using Nabla.Kernels;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>
/// What Keras's <c>ConvLSTM1D</c>, <c>ConvLSTM2D</c> and <c>ConvLSTM3D</c> share (keras/src/layers/rnn/conv_lstm.py): an
/// LSTM whose input and recurrent products are convolutions. Inputs [batch, time, spatial..., channels], or with
/// data_format "channels_first" [batch, time, channels, spatial...] and states [batch, filters, spatial...] (moved
/// channels-last around the recurrence, <see cref="ImageLayout"/>);
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
public abstract partial class ConvLSTM : RnnLayer
{
    private readonly int rank;
    private readonly ConvWindow window;
    private ActivationFunction recurrentActivation;
    private Tensor? kernel, recurrentKernel, bias;
    private ConvGeometry? inputGeometry, recurrentGeometry;
    private readonly ImageLayout layout;

    private protected ConvLSTM(int rank, int filters, Size3D kernelSize, Size3D strides, string padding, Size3D dilationRate,
        string? dataFormat, string? activation, string? recurrentActivation, bool useBias, string kernelInitializer,
        string recurrentInitializer, string biasInitializer, bool unitForgetBias, double dropout, double recurrentDropout,
        bool returnSequences, bool returnState, bool goBackwards, bool stateful, int? seed, int[]? inputShape, string? name)
        : base(activation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, dropout, recurrentDropout,
            returnSequences, returnState, goBackwards, seed, inputShape, name)
    {
        this.rank = rank;
        string what = $"{ClassName} '{Name}'";
        if (filters <= 0) throw new ArgumentException($"{what}: 'filters' must be a positive integer, found {filters}.", nameof(filters));
        layout = ImageLayout.Parse(what, dataFormat);
        if (stateful)
            throw new ArgumentException(
                $"{what}: 'stateful' is not supported (Nabla carries states between batches only for LSTM, GRU and SimpleRNN).",
                nameof(stateful));
        Filters = filters;
        window = ConvWindow.Check(what, kernelSize, strides, dilationRate, padding, allowCausal: false);
        this.recurrentActivation = ActivationFunction.Get(recurrentActivation);
        UnitForgetBias = unitForgetBias;
    }

    public int Filters { get; }

    /// <summary>Keras's <c>data_format</c>: "channels_last" or "channels_first", resolved when the layer is built (without one, <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>).</summary>
    public string DataFormat => layout.Name;

    /// <summary>Channels-first: a sequence's channels sit on axis 2 (after the time axis), a state's on axis 1.</summary>
    internal override int[]? ChannelsLastOrder(int rank) =>
        !layout.ChannelsFirst ? null : rank == this.rank + 3 ? ImageLayout.AxisLastOrder(rank, 2) : layout.ToLastOrder(rank);

    /// <summary>"valid" or "same" (of the input convolution; the recurrent one is always "same").</summary>
    public string Padding => window.PaddingName;

    /// <summary>Keras's default is sigmoid.</summary>
    public ActivationFunction RecurrentActivation { get => recurrentActivation; init => recurrentActivation = value; }

    /// <summary>Keras's default is true: the forget gate's bias starts at 1, the others from the bias initializer.</summary>
    public bool UnitForgetBias { get; }

    /// <summary>1, 2 or 3 spatial axes.</summary>
    internal int Rank => rank;

    private protected Size3D Window => window.KernelSize;

    private protected Size3D StrideSize => window.Strides;

    private protected Size3D DilationSize => window.DilationRate;

    public Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor RecurrentKernel => recurrentKernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    public Tensor? Bias => bias;

    /// <summary>h and the cell c.</summary>
    public override int StateCount => 2;

    /// <summary>The sequence's length may be unknown; Keras's ConvLSTM needs its spatial axes and channels.</summary>
    private protected override bool MayBeUnknown(int axis, int inputRank) => axis == 0;

    /// <summary>The weights depend on the step's shape only, so a built layer runs sequences of any length.</summary>
    private protected override bool RunsOnOtherShape(int[] built, int[] inputShape) =>
        built.Length == inputShape.Length && built.AsSpan(1).SequenceEqual(inputShape.AsSpan(1));

    /// <summary>The built input convolution (the layer's strides, padding and dilation), for the ONNX export.</summary>
    internal ConvGeometry BuiltInputGeometry => inputGeometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

    /// <summary>The built recurrent convolution (stride 1, "same"), for the ONNX export.</summary>
    internal ConvGeometry BuiltRecurrentGeometry =>
        recurrentGeometry ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet.");

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
        {
            string spatial = rank switch { 1 => "steps", 2 => "rows, cols", _ => "depth, rows, cols" };
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) needs inputs of rank {rank + 3} ([batch, time, " +
                $"{(layout.ChannelsFirst ? $"channels, {spatial}" : $"{spatial}, channels")}]), found per-sample shape {Describe(inputShape)}.");
        }
        var state = layout.FromLast(StateShape(layout.ToLast(inputShape[1..])));
        return ReturnSequences ? [inputShape[0], .. state] : state;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        int[] stepShape = layout.ToLast(inputShape[1..]);
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
