using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>ConvLSTM1D</c> on sequences of 1-D signals [batch, time, steps, channels]: kernel [k, channels,
/// 4·filters], recurrent_kernel [k, filters, 4·filters]. Defaults as keras/src/layers/rnn/conv_lstm1d.py.
/// </summary>
public sealed class ConvLSTM1D : ConvLSTM
{
    /// <param name="padding">"valid" (Keras's default) or "same".</param>
    /// <param name="dataFormat">"channels_last", "channels_first", or null (Keras's None) for <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/> as the layer is built.</param>
    /// <param name="stateful">Only false; a stateful ConvLSTM is refused.</param>
    public ConvLSTM1D(int filters, int kernelSize, int strides = 1, string padding = "valid", int dilationRate = 1,
        string? activation = "tanh", string? recurrentActivation = "sigmoid", bool useBias = true,
        string kernelInitializer = "glorot_uniform", string recurrentInitializer = "orthogonal", string biasInitializer = "zeros",
        bool unitForgetBias = true, double dropout = 0, double recurrentDropout = 0, bool returnSequences = false,
        bool returnState = false, bool goBackwards = false, bool stateful = false, int? seed = null, int[]? inputShape = null,
        string? name = null, string? dataFormat = null)
        : base(1, filters, new Size3D(1, 1, kernelSize), new Size3D(1, 1, strides), padding, new Size3D(1, 1, dilationRate), dataFormat,
            activation, recurrentActivation, useBias, kernelInitializer, recurrentInitializer, biasInitializer, unitForgetBias,
            dropout, recurrentDropout, returnSequences, returnState, goBackwards, stateful, seed, inputShape, name)
    {
    }

    private ConvLSTM1D(ConfigArgs args) : base(1, args) { }

    public override string ClassName => "ConvLSTM1D";

    public int KernelSize => Window.Width;

    public int Strides => StrideSize.Width;

    public int DilationRate => DilationSize.Width;

    public static ConvLSTM1D FromConfig(Config config) => new(ReadArgs(config, 1, "ConvLSTM1D"));
}
