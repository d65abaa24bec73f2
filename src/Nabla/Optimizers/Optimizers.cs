using Nabla.Serialization;

namespace Nabla.Optimizers;

/// <summary>
/// The optimizers Keras can name: <c>Optimizers.Get("adam")</c>, <c>Optimizers.Deserialize(config)</c>.
/// (Inside a namespace that also ends in <c>Optimizers</c>, such as the tests, write
/// <c>Nabla.Optimizers.Optimizers.Get</c>.)
/// </summary>
public static class Optimizers
{
    public static Registry<Optimizer> Registry { get; } = new Registry<Optimizer>("optimizer")
        .Add("Adam", Adam.FromConfig, "adam")
        .Add("AdamW", AdamW.FromConfig, "adamw")
        .Add("SGD", SGD.FromConfig, "sgd")
        .Add("RMSprop", RMSprop.FromConfig, "rmsprop")
        .Add("Adagrad", Adagrad.FromConfig, "adagrad")
        .Add("Nadam", Nadam.FromConfig, "nadam");

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
}
