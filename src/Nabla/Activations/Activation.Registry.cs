using Nabla.Configuration;

namespace Nabla.Activations;

/// <summary>
/// Looks activations up by Keras identifier ("relu", "leaky_relu") or class-style name ("ReLU",
/// "LeakyReLU"), like <c>keras.activations.get</c>, and writes them back the way a Dense config does.
/// </summary>
public abstract partial class Activation
{
    public static Registry<Activation> Registry { get; } = new Registry<Activation>("activation")
        .Add("Linear", Linear.FromConfig, "linear")
        .Add("ReLU", Relu.FromConfig, "relu")
        .Add("ReLU6", Relu6.FromConfig, "relu6")
        .Add("LeakyReLU", LeakyRelu.FromConfig, "leaky_relu")
        .Add("ELU", Elu.FromConfig, "elu")
        .Add("SELU", Selu.FromConfig, "selu")
        .Add("GELU", Gelu.FromConfig, "gelu")
        .Add("Sigmoid", Sigmoid.FromConfig, "sigmoid")
        .Add("HardSigmoid", HardSigmoid.FromConfig, "hard_sigmoid")
        .Add("Tanh", Tanh.FromConfig, "tanh")
        .Add("Softmax", Softmax.FromConfig, "softmax")
        .Add("LogSoftmax", LogSoftmax.FromConfig, "log_softmax")
        .Add("Softplus", Softplus.FromConfig, "softplus")
        .Add("Softsign", Softsign.FromConfig, "softsign")
        .Add("SiLU", Silu.FromConfig, "silu", "swish") // Keras 3 registers "swish" as an alias of silu
        .Add("Exponential", Exponential.FromConfig, "exponential");

    /// <summary>The activation named <paramref name="name"/>; null gives linear, as Keras' <c>activations.get(None)</c>.
    /// Unknown names throw an <see cref="ArgumentException"/> listing the valid ones.</summary>
    public static Activation Get(string? name) => name is null ? new Linear() : Registry.Get(name);

    public static Activation Get(string name, Config config) => Registry.Get(name, config);

    /// <summary>Reads what a layer config holds: null, an identifier, <c>{"class_name", "config"}</c>, or an activation.</summary>
    public static Activation Deserialize(object? spec) => spec is null ? new Linear() : Registry.Deserialize(spec);

    /// <summary>
    /// What Keras 3's Dense config writes: the identifier ("relu") when the activation has its default
    /// parameters, otherwise <c>{"class_name": ..., "config": {...}}</c> so that nothing is silently lost.
    /// </summary>
    public static object Serialize(Activation activation)
    {
        ArgumentNullException.ThrowIfNull(activation);
        var config = activation.GetConfig();
        var defaults = Registry.Get(activation.Name).GetConfig();
        bool isDefault = config.Count == defaults.Count &&
            config.All(kv => defaults.TryGetValue(kv.Key, out var d) && Equals(d, kv.Value));
        return isDefault ? activation.Name : Registry<Activation>.Serialize(activation);
    }

    /// <summary>Makes a custom activation loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Activation.Register("MyActivation", MyActivation.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Activation> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
