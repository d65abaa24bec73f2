using System.Globalization;
using Nabla.Configuration;
using Nabla.Data;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla.Serialization.Saving;

/// <summary>
/// Keras's <c>compile_config</c>: the optimizer and loss as serialized objects, metrics as names or objects, and
/// <c>loss_weights</c>. A model with several outputs writes one loss, one metrics entry and one weight per output, in
/// output order (Keras's list form); reading also accepts Keras's dictionaries keyed by output name and one loss for
/// every output. Reading accepts what Keras 3 writes, including a loss saved as <c>{"module": "builtins",
/// "class_name": "function", "config": "mse"}</c>; <c>weighted_metrics</c>, which Nabla does not implement, is refused by name.
/// </summary>
internal static class KerasCompileConfig
{
    public static Config Write(Model model)
    {
        bool single = model.OutputCount == 1;
        return new Config
        {
            ["optimizer"] = Optimizer.Serialize(model.Optimizer!),
            ["loss"] = single ? Loss.Serialize(model.Loss!)
                : model.Losses.Select(l => l is null ? null : (object?)Loss.Serialize(l)).ToList(),
            ["loss_weights"] = model.LossWeights.All(w => w == 1) ? null
                : single ? Number(model.LossWeights[0]) : model.LossWeights.Select(Number).ToList(),
            ["metrics"] = single ? Metrics(model.MetricSpecs)
                : Enumerable.Range(0, model.OutputCount)
                    .Select(o => model.MetricSpecsOf(o).Count == 0 ? null : (object?)Metrics(model.MetricSpecsOf(o))).ToList(),
            ["weighted_metrics"] = null,
            ["run_eagerly"] = false,
            ["steps_per_execution"] = 1L,
            ["jit_compile"] = false,
        };
    }

    private static List<object?> Metrics(IReadOnlyList<object> specs) =>
        specs.Select(m => m is Metric metric ? Metric.Serialize(metric) : (object?)m).ToList();

    /// <summary>A float weight as the shortest double that reads back to it (0.1, not 0.10000000149011612).</summary>
    private static object? Number(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static void Compile(Model model, Config compile, string source)
    {
        if (compile.TryGet("weighted_metrics", out var weighted))
            throw new NotSupportedException($"{source} 'compile_config.weighted_metrics' is {Config.Describe(weighted)}; Nabla does not implement weighted_metrics.");
        FileContent.Use(source, "compile_config", "an optimizer, losses, loss weights and metrics Nabla can build", () =>
        {
            var optimizer = Optimizer.Deserialize(Require(compile, "optimizer", source));
            var loss = PerOutput(Require(compile, "loss", source), spec => spec is null ? null : Loss.Deserialize(LossSpec(spec, source)));
            object? lossWeights = compile.TryGet("loss_weights", out var w) ? PerOutput(w!, number => number) : null;
            if (!compile.TryGet("metrics", out var metrics)) model.Compile(optimizer, loss, (IEnumerable<object?>?)null, lossWeights);
            else if (metrics is Config byOutput && !IsSerializedObject(byOutput))
                model.Compile(optimizer, loss, byOutput.ToDictionary(kv => kv.Key, kv => MetricEntry(kv.Value, source)), lossWeights);
            else if (metrics is List<object?> list)
                model.Compile(optimizer, loss, model.OutputCount == 1 ? MetricItems(list, source)
                    : list.Select(entry => MetricEntry(entry, source)).ToList(), lossWeights);
            else throw DataFormatException.AtField(source, "compile_config.metrics", "a list or a dictionary keyed by output name", Config.Describe(metrics));
        });
    }

    /// <summary>One value for every output, a list in output order, or a dictionary keyed by output name, each item read.</summary>
    private static object PerOutput(object spec, Func<object?, object?> read) => spec switch
    {
        List<object?> list => list.Select(read).ToList(),
        Config byOutput when !IsSerializedObject(byOutput) => byOutput.ToDictionary(kv => kv.Key, kv => read(kv.Value)),
        _ => read(spec)!,
    };

    private static bool IsSerializedObject(Config config) => config.ContainsKey("class_name");

    /// <summary>A loss given as a plain function is saved by Keras 3 as a "builtins" function object holding its name.</summary>
    private static object LossSpec(object spec, string source)
    {
        if (spec is Config function && function.GetString("class_name", null) == "function")
            return function.TryGet("config", out var name) && name is string s ? s
                : throw DataFormatException.AtField(source, "compile_config.loss", "a function object whose config is its name", Config.Describe(name));
        return spec;
    }

    private static object Require(Config compile, string key, string source) =>
        compile.TryGet(key, out var value)
            ? value!
            : throw DataFormatException.AtField(source, $"compile_config.{key}", "a name or a serialized object", "none");

    /// <summary>One output's metrics: none, one metric, or a list of them.</summary>
    private static object? MetricEntry(object? entry, string source) => entry switch
    {
        null => null,
        List<object?> list => MetricItems(list, source),
        _ => MetricItem(entry, source),
    };

    private static List<object?> MetricItems(List<object?> items, string source) => items.Select(item => (object?)MetricItem(item, source)).ToList();

    private static object MetricItem(object? item, string source) => item switch
    {
        string name => name,
        Config c when c.GetString("class_name", null) == "function" && c.TryGet("config", out var n) && n is string fn => fn,
        Config c => Metric.Deserialize(c),
        _ => throw DataFormatException.AtField(source, "compile_config.metrics", "names or serialized metrics", Config.Describe(item)),
    };
}
