using Nabla.Configuration;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>A ConvLSTM's Keras config: the RNN's keys, then the cell's, as keras/src/layers/rnn/conv_lstm.py writes them
/// (its <c>get_config</c> drops the RNN's "cell" and writes the cell's settings at the top level).</summary>
public abstract partial class ConvLSTM
{
    /// <summary>What a config sets: the constructor's plain arguments and the objects (activations, initializers,
    /// regularizers, constraints) read from any of Keras's forms.</summary>
    private protected readonly record struct ConfigArgs(
        int Filters, Size3D KernelSize, Size3D Strides, string Padding, Size3D DilationRate, string? DataFormat,
        WeightSettings Weights, ActivationFunction RecurrentActivation, bool UseBias, bool UnitForgetBias, double Dropout, double RecurrentDropout, int? Seed, bool ReturnSequences, bool ReturnState, bool GoBackwards, bool Stateful,
        bool ZeroOutputForMask, bool Trainable, int[]? InputShape, string? Name);

    /// <summary>The layer a config describes: built from its plain arguments, then given its objects.</summary>
    private protected ConvLSTM(int rank, ConfigArgs a)
        : this(rank, a.Filters, a.KernelSize, a.Strides, a.Padding, a.DilationRate, a.DataFormat, null, null, a.UseBias,
            "glorot_uniform", "orthogonal", "zeros", a.UnitForgetBias, a.Dropout, a.RecurrentDropout, a.ReturnSequences,
            a.ReturnState, a.GoBackwards, a.Stateful, a.Seed, a.InputShape, a.Name)
    {
        Apply(a.Weights);
        recurrentActivation = a.RecurrentActivation;
        ZeroOutputForMask = a.ZeroOutputForMask;
        Trainable = a.Trainable;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        WriteRnnOptions(config, stateful: false);
        config["filters"] = (long)Filters;
        window.WriteConfig(config, rank, layout);
        config["activation"] = ActivationFunction.Serialize(Activation);
        config["recurrent_activation"] = ActivationFunction.Serialize(RecurrentActivation);
        config["use_bias"] = UseBias;
        WriteInitializers(config);
        config["unit_forget_bias"] = UnitForgetBias;
        WritePenaltiesAndDropout(config);
        return config;
    }

    /// <summary>Reads a Keras 3 (or Keras 2) ConvLSTM config with Keras's defaults (keras/src/layers/rnn/conv_lstm2d.py:
    /// strides 1, padding "valid", dilation_rate 1, activation "tanh", recurrent_activation "sigmoid", use_bias true,
    /// glorot_uniform / orthogonal / zeros, unit_forget_bias true, dropout 0, recurrent_dropout 0).</summary>
    private protected static ConfigArgs ReadArgs(Config config, int rank, string className)
    {
        ReadLoopOptions(config, className);
        var (name, inputShape) = BaseArgs(config);
        string what = $"{className} '{name ?? "?"}'";
        RefuseNull(config, className, "dropout", "recurrent_dropout");
        var (kernelSize, strides, padding, dilationRate) = ConvWindow.Read(config, rank, what);
        bool useBias = config.GetTruthy("use_bias", true), unitForgetBias = config.GetTruthy("unit_forget_bias", true);
        // Keras's unit_forget_bias builds the bias by calling bias_initializer, so a None one fails there.
        if (useBias && unitForgetBias) RefuseNull(config, className, "bias_initializer");
        return new ConfigArgs(config.GetInt("filters"), kernelSize, strides, padding, dilationRate, config.GetString("data_format", null),
            ReadWeightSettings(config), ActivationFunction.Deserialize(ActivationSpec(config, "recurrent_activation", "sigmoid")),
            useBias, unitForgetBias, config.GetDouble("dropout", 0), config.GetDouble("recurrent_dropout", 0),
            config.TryGet("seed", out _) ? config.GetInt("seed") : null,
            config.GetBool("return_sequences", false), config.GetBool("return_state", false), config.GetBool("go_backwards", false),
            config.GetBool("stateful", false), config.GetBool("zero_output_for_mask", false), config.GetBool("trainable", true),
            inputShape, name);
    }
}
