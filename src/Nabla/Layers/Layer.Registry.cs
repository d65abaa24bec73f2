using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Resolves Keras layer class names ("Dense", "BatchNormalization") from model configs.</summary>
public abstract partial class Layer
{
    public static readonly Registry<Layer> Registry = new Registry<Layer>("layer")
        .Add("Dense", Dense.FromConfig)
        .Add("Activation", Activation.FromConfig)
        .Add("Dropout", Dropout.FromConfig)
        .Add("Flatten", Flatten.FromConfig)
        .Add("InputLayer", InputLayer.FromConfig)
        .Add("BatchNormalization", BatchNormalization.FromConfig)
        .Add("Normalization", Normalization.FromConfig)
        .Add("Rescaling", Rescaling.FromConfig)
        .Add("Add", Add.FromConfig)
        .Add("Subtract", Subtract.FromConfig)
        .Add("Multiply", Multiply.FromConfig)
        .Add("Average", Average.FromConfig)
        .Add("Maximum", Maximum.FromConfig)
        .Add("Minimum", Minimum.FromConfig)
        .Add("Concatenate", Concatenate.FromConfig)
        .Add("Dot", Dot.FromConfig);

    /// <summary>Builds a layer from <c>{"class_name": ..., "config": ...}</c>.</summary>
    public static Layer Deserialize(Config spec) => Registry.Deserialize(spec);

    /// <summary>Makes a custom layer loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Layer.Register("MyLayer", MyLayer.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Layer> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
