using System.Globalization;
using Nabla.Configuration;
using Nabla.Data;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;

namespace Nabla.Serialization.Saving;

/// <summary>
/// Keras's <c>compile_config</c>: the optimizer and loss as serialized objects, metrics and weighted metrics as names
/// or objects, and <c>loss_weights</c>. A model with several outputs writes one loss, one metrics entry and one weight
/// per output, in output order (Keras's list form); reading also accepts Keras's dictionaries keyed by output name
/// and one loss for every output. Reading accepts what Keras 3 writes, including a loss saved as
/// <c>{"module": "builtins", "class_name": "function", "config": "mse"}</c>.
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
            ["metrics"] = PerOutputMetrics(model, model.MetricSpecsOf),
            ["weighted_metrics"] = Enumerable.Range(0, model.OutputCount).All(o => model.WeightedMetricSpecsOf(o).Count == 0) ? null
                : PerOutputMetrics(model, model.WeightedMetricSpecsOf),
            ["run_eagerly"] = false,
            ["steps_per_execution"] = 1L,
            ["jit_compile"] = false,
        };
    }

    /// <summary>One output's metrics as a list; several outputs' as a list per output (null for none), in output order.</summary>
    private static object PerOutputMetrics(Model model, Func<int, IReadOnlyList<object>> specsOf) =>
        model.OutputCount == 1 ? Metrics(specsOf(0))
            : Enumerable.Range(0, model.OutputCount).Select(o => specsOf(o).Count == 0 ? null : (object?)Metrics(specsOf(o))).ToList();

    private static List<object?> Metrics(IReadOnlyList<object> specs) =>
        specs.Select(m => m is Metric metric ? Metric.Serialize(metric) : (object?)m).ToList();

    /// <summary>A float weight as the shortest double that reads back to it (0.1, not 0.10000000149011612).</summary>
    private static object? Number(float value) => double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static void Compile(Model model, Config compile, string source) =>
        FileContent.Use(source, "compile_config", "an optimizer, losses, loss weights and metrics Nabla can build", () =>
        {
            var optimizer = Optimizer.Deserialize(Require(compile, "optimizer", source));
            var loss = PerOutput(Require(compile, "loss", source), spec => spec is null ? null : Loss.Deserialize(LossSpec(spec, source)));
            object? lossWeights = compile.TryGet("loss_weights", out var w) && w is not null ? PerOutput(w, number => number) : null;
            model.Compile(optimizer, loss, ReadMetrics(model, compile, "metrics", source), lossWeights,
                ReadMetrics(model, compile, "weighted_metrics", source));
        });

    /// <summary>
    /// <paramref name="key"/>'s metrics as Compile's list form: a single output's metrics as one list, several
    /// outputs' as one entry per output in output order, from Keras's list or its dictionary keyed by output name.
    /// </summary>
    private static List<object?>? ReadMetrics(Model model, Config compile, string key, string source)
    {
        if (!compile.TryGet(key, out var metrics) || metrics is null) return null;
        if (metrics is Config byOutput && !IsSerializedObject(byOutput))
        {
            if (byOutput.Keys.FirstOrDefault(name => !model.OutputNames.Contains(name)) is { } unknown)
                throw DataFormatException.AtField(source, $"compile_config.{key}.{unknown}", $"an output name ({string.Join(", ", model.OutputNames)})", unknown);
            return model.OutputNames.Select(name => byOutput.TryGet(name, out var entry) ? MetricEntry(entry, key, source) : null).ToList();
        }
        if (metrics is List<object?> list)
            return model.OutputCount == 1 ? MetricItems(list, key, source) : list.Select(entry => MetricEntry(entry, key, source)).ToList();
        throw DataFormatException.AtField(source, $"compile_config.{key}", "a list or a dictionary keyed by output name", Config.Describe(metrics));
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
    private static object? MetricEntry(object? entry, string key, string source) => entry switch
    {
        null => null,
        List<object?> list => MetricItems(list, key, source),
        _ => MetricItem(entry, key, source),
    };

    private static List<object?> MetricItems(List<object?> items, string key, string source) =>
        items.Select(item => (object?)MetricItem(item, key, source)).ToList();

    private static object MetricItem(object? item, string key, string source) => item switch
    {
        string name => name,
        Config c when c.GetString("class_name", null) == "function" && c.TryGet("config", out var n) && n is string fn => fn,
        Config c => Metric.Deserialize(c),
        _ => throw DataFormatException.AtField(source, $"compile_config.{key}", "names or serialized metrics", Config.Describe(item)),
    };
}
