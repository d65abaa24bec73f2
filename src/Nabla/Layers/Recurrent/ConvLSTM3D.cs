using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>ConvLSTM3D</c> on sequences of volumes [batch, time, depth, rows, cols, channels]: kernel [kd, kh, kw,
/// channels, 4·filters], recurrent_kernel [kd, kh, kw, filters, 4·filters]. Defaults as keras/src/layers/rnn/conv_lstm3d.py.
/// </summary>
public sealed class ConvLSTM3D : ConvLSTM
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    /// <param name="stateful">Only false; a stateful ConvLSTM is refused.</param>
    public ConvLSTM3D(int filters, Size3D kernelSize, Size3D? strides = null, string padding = "valid", Size3D? dilationRate = null,
        string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal", string biasInitializer = "zeros",
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, int[]? inputShape = null,
        string? name = null, string? dataFormat = null)
        : base(3, filters, kernelSize, strides ?? 1, padding, dilationRate ?? 1, dataFormat,
            activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias,
            dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, seed, inputShape, name)
    {
    }

    private ConvLSTM3D(ConfigArgs args) : base(3, args) { }

    public override string ClassName => "ConvLSTM3D";

    public Size3D KernelSize => Window;

    public Size3D Strides => StrideSize;

    public Size3D DilationRate => DilationSize;

    public static ConvLSTM3D FromConfig(Config config) => new(ReadArgs(config, 3, "ConvLSTM3D"));
}
