using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// The optimizers Keras can name: <c>Optimizer.Get("adam")</c>, <c>Optimizer.Deserialize(config)</c>.
/// (Inside a namespace that also ends in <c>Optimizers</c>, such as the tests, write
/// <c>Nabla.Optimizers.Optimizer.Get</c>.)
/// </summary>
public abstract partial class Optimizer
{
    public static Registry<Optimizer> Registry { get; } = new Registry<Optimizer>("optimizer")
        .Add("Adam", Adam.FromConfig, "adam")
        .Add("AdamW", AdamW.FromConfig, "adamw")
        .Add("SGD", SGD.FromConfig, "sgd")
        .Add("RMSprop", RMSprop.FromConfig, "rmsprop")
        .Add("Adagrad", Adagrad.FromConfig, "adagrad")
        .Add("Adadelta", Adadelta.FromConfig, "adadelta")
        .Add("Nadam", Nadam.FromConfig, "nadam")
        .Add("Adamax", Adamax.FromConfig, "adamax")
        .Add("Lion", Lion.FromConfig, "lion")
        .Add("Ftrl", Ftrl.FromConfig, "ftrl")
        .Add("Adafactor", Adafactor.FromConfig, "adafactor");

    /// <summary>A new optimizer with Keras's defaults ("adam", "Adam", "sgd", ...); unknown names list the valid ones.</summary>
    public static Optimizer Get(string name) => Registry.Get(name);

    /// <summary>From a name, a <c>{"class_name": ..., "config": {...}}</c> <see cref="Config"/>, or an optimizer.</summary>
    public static Optimizer Deserialize(object spec) => Registry.Deserialize(spec);

    /// <summary>Writes <c>{"module": "keras.optimizers", "class_name": ..., "config": {...}, "registered_name": null}</c> as Keras 3 does.</summary>
    public static Config Serialize(Optimizer optimizer) => new()
    {
        ["module"] = "keras.optimizers",
        ["class_name"] = optimizer.ClassName,
        ["config"] = optimizer.GetConfig(),
        ["registered_name"] = null,
    };

    /// <summary>Makes a custom optimizer loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Optimizer.Register("MyOptimizer", MyOptimizer.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Optimizer> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
