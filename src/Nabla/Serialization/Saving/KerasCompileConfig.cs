using Nabla.Configuration;
using Nabla.Data;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla.Serialization.Saving;

/// <summary>
/// Keras's <c>compile_config</c>: the optimizer and loss as serialized objects, metrics as names or objects. Reading
/// accepts what Keras 3 writes, including a loss saved as <c>{"module": "builtins", "class_name": "function",
/// "config": "mse"}</c>; options Nabla does not implement (loss_weights) are refused by name.
/// </summary>
internal static class KerasCompileConfig
{
    public static Config Write(Model model) => new()
    {
        ["optimizer"] = Optimizer.Serialize(model.Optimizer!),
        ["loss"] = Loss.Serialize(model.Loss!),
        ["loss_weights"] = null,
        ["metrics"] = model.MetricSpecs
            .Select(m => m is Metric metric ? Metric.Serialize(metric) : m)
            .ToList(),
        ["weighted_metrics"] = null,
        ["run_eagerly"] = false,
        ["steps_per_execution"] = 1L,
        ["jit_compile"] = false,
    };

    public static void Compile(Model model, Config compile, string source)
    {
        foreach (string key in new[] { "loss_weights", "weighted_metrics" })
            if (compile.TryGet(key, out var value))
                throw new NotSupportedException($"{source} 'compile_config.{key}' is {Config.Describe(value)}; Nabla does not implement {key}.");
        FileContent.Use(source, "compile_config", "an optimizer, loss and metrics Nabla can build", () =>
            model.Compile(Optimizer.Deserialize(Require(compile, "optimizer", source)),
                Loss.Deserialize(LossSpec(Require(compile, "loss", source), source)), CompiledMetrics(compile, source)));
    }

    /// <summary>A loss given as a plain function is saved by Keras 3 as a "builtins" function object holding its name.</summary>
    private static object LossSpec(object spec, string source)
    {
        if (spec is Config function && function.GetString("class_name", null) == "function")
            return function.TryGet("config", out var name) && name is string s ? s
                : throw DataFormatException.AtField(source, "compile_config.loss", "a function object whose config is its name", Config.Describe(name));
        if (spec is List<object?> || spec is Config perOutput && !perOutput.ContainsKey("class_name"))
            throw new NotSupportedException($"{source} 'compile_config.loss' holds one loss per output; Nabla's models have one output.");
        return spec;
    }

    private static object Require(Config compile, string key, string source) =>
        compile.TryGet(key, out var value)
            ? value!
            : throw DataFormatException.AtField(source, $"compile_config.{key}", "a name or a serialized object", "none");

    private static List<object> CompiledMetrics(Config compile, string source)
    {
        if (!compile.TryGet("metrics", out var list)) return [];
        if (list is not List<object?> items)
            throw DataFormatException.AtField(source, "compile_config.metrics", "a list", Config.Describe(list));
        return items.Select(item => item switch
        {
            string name => name,
            Config c when c.GetString("class_name", null) == "function" && c.TryGet("config", out var n) && n is string fn => fn,
            Config c => (object)Metric.Deserialize(c),
            _ => throw DataFormatException.AtField(source, "compile_config.metrics", "names or serialized metrics", Config.Describe(item)),
        }).ToList();
    }
}
