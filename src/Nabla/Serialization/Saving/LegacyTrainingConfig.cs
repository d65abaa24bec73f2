using Nabla.Configuration;
namespace Nabla.Serialization.Saving;

/// <summary>
/// The <c>training_config</c> of Keras 2-era files (legacy .h5 attributes, TensorFlow.js <c>modelTopology</c>):
/// <c>optimizer_config</c>, <c>loss</c>, <c>metrics</c>, read into a compile call. Keras 2 spelled the learning
/// rate <c>lr</c> in older versions.
/// </summary>
internal static class LegacyTrainingConfig
{
    public static void Compile(Model model, Config training, string source)
    {
        var optimizer = FileContent.Use(source, "optimizer_config", "an optimizer config object",
            () => training.GetConfig("optimizer_config")?.DeepClone());
        if (optimizer?.GetConfig("config") is { } options && options.Remove("lr", out var lr)) options.TryAdd("learning_rate", lr);
        var compile = new Config
        {
            ["optimizer"] = optimizer,
            ["loss"] = training.TryGet("loss", out var loss) ? loss : null,
            ["metrics"] = training.TryGet("metrics", out var metrics) ? metrics : null,
            ["weighted_metrics"] = training.TryGet("weighted_metrics", out var weighted) ? weighted : null,
            ["loss_weights"] = training.TryGet("loss_weights", out var weights) ? weights : null,
        };
        KerasCompileConfig.Compile(model, compile, source);
    }

    public static Config Write(Model model)
    {
        var compile = KerasCompileConfig.Write(model);
        return new Config
        {
            ["optimizer_config"] = compile["optimizer"],
            ["loss"] = compile["loss"],
            ["metrics"] = compile["metrics"],
            ["weighted_metrics"] = compile["weighted_metrics"],
            ["loss_weights"] = compile["loss_weights"],
        };
    }
}
