using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>ConvLSTM2D</c> on sequences of images [batch, time, rows, cols, channels]: kernel [kh, kw, channels,
/// 4·filters], recurrent_kernel [kh, kw, filters, 4·filters]. Defaults as keras/src/layers/rnn/conv_lstm2d.py.
/// </summary>
public sealed class ConvLSTM2D : ConvLSTM
{
    /// <param name="padding">"valid" (Keras's default) or "same" (TensorFlow's split: an odd extra cell at the bottom/right).</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    /// <param name="stateful">Only false; a stateful ConvLSTM is refused.</param>
    public ConvLSTM2D(int filters, Size2D kernelSize, Size2D? strides = null, string padding = "valid", Size2D? dilationRate = null,
        string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal", string biasInitializer = "zeros",
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, int[]? inputShape = null,
        string? name = null, string? dataFormat = null)
        : base(2, filters, Size3D.Flat(kernelSize), Size3D.Flat(strides ?? 1), padding, Size3D.Flat(dilationRate ?? 1), dataFormat,
            activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias,
            dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, seed, inputShape, name)
    {
    }

    private ConvLSTM2D(ConfigArgs args) : base(2, args) { }

    public override string ClassName => "ConvLSTM2D";

    public Size2D KernelSize => Window.Plane;

    public Size2D Strides => StrideSize.Plane;

    public Size2D DilationRate => DilationSize.Plane;

    public static ConvLSTM2D FromConfig(Config config) => new(ReadArgs(config, 2, "ConvLSTM2D"));
}
