using Nabla.Data;
using Nabla.Configuration;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// Reads the doctor's experiment file: a model (a Keras config, a file holding one, or a saved model), how to compile
/// it, the data and how to fit. docs/experiment-file.md documents every field, its type and default; unknown fields
/// are refused (<see cref="ExperimentFields"/>). Paths are relative to the experiment file. A saved model (.keras,
/// .h5, TensorFlow.js model.json) is diagnosed as it is, from its saved weights ("from_scratch": true re-initializes
/// them), compiled as saved unless "compile" says otherwise. Every error names the file and the field.
/// </summary>
public static class ExperimentFile
{
    /// <param name="options">The data budget for the experiment's data, files and synthetic alike (the default's when null).</param>
    public static Experiment Load(string path, DataReadOptions? options = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Experiment file '{path}' does not exist.", path);
        Config root;
        try { root = Config.Parse(File.ReadAllText(path)); }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw DataFormatException.AtField(path, "whole file", "a JSON object", $"not a valid JSON object ({e.Message})", e);
        }
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string name = Path.GetFileNameWithoutExtension(path);
        return FileContent.Use(path, "experiment", "an experiment Nabla can run", () => Parse(root, folder, name, path, options));
    }

    /// <summary>The optimizer steps the experiment trains, from its data's row count and its fit, without generating
    /// synthetic data (its rows are its "samples").</summary>
    internal static long TrainingSteps(string path)
    {
        var top = new ExperimentSection(Config.Parse(File.ReadAllText(path)), "", path);
        var dataSection = top.Section("data") ?? throw top.Error("data", "an object with x and y, or synthetic", "nothing");
        var fit = top.Section("fit") ?? new ExperimentSection(new Config(), "fit", path);
        int rows = ExperimentData.Rows(dataSection, Path.GetDirectoryName(Path.GetFullPath(path))!);
        return Experiment.StepsFor(rows, ValidationSplit(dataSection, fit), Epochs(fit), BatchSize(fit));
    }

    private static double ValidationSplit(ExperimentSection data, ExperimentSection fit)
    {
        double split = data.Double("validation_split", fit.Double("validation_split", 0));
        if (!(split >= 0 && split < 1)) throw data.Error("validation_split", "a number in [0, 1)", split.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return split;
    }

    private static int Epochs(ExperimentSection fit) => fit.Int("epochs", 10, min: 1);

    private static int BatchSize(ExperimentSection fit) => fit.Int("batch_size", 32, min: 1);

    public static Experiment Parse(Config root, string folder, string name, string source, DataReadOptions? options = null)
    {
        options ??= new DataReadOptions();
        var top = new ExperimentSection(root, "", source);
        var compileSection = top.Section("compile");
        var dataSection = top.Section("data") ?? throw top.Error("data", "an object with x and y, or synthetic", "nothing");
        var fit = top.Section("fit") ?? new ExperimentSection(new Config(), "fit", source);
        top.Section("expect");
        var saved = ReadSavedModel(root, folder, source);
        var model = saved is null ? ReadModel(root, folder, source) : KerasModelJson.ToConfig(saved.Value.Model);
        var compile = compileSection?.Config ?? saved?.Compile ?? new Config();
        double split = ValidationSplit(dataSection, fit);
        var data = ExperimentData.Read(dataSection, folder, options, split);
        if (data.AdaptTo is { } adaptRows)
        {
            if (saved is not null)
                throw dataSection.Error("normalize", "\"pixels\", \"standardize\" or \"minmax\" for a saved model (its Normalization layer keeps the statistics saved with it)", "\"adapt\"");
            model = ExperimentData.AdaptNormalization(model, adaptRows, dataSection);
        }
        var splitX = Widths(dataSection, "split_x");
        var splitY = Widths(dataSection, "split_y");
        CheckWidths(dataSection, "split_x", splitX, data.X);
        CheckWidths(dataSection, "split_y", splitY, data.Y);
        var y = splitY is null ? MatchOneUnitOutput(model, data.Y) : data.Y;
        return new Experiment
        {
            Name = name,
            Model = model,
            Optimizer = compile.TryGet("optimizer", out var opt) ? opt! : "adam",
            Loss = compile.TryGet("loss", out var loss) ? loss! : throw Field(source, "compile.loss", "a loss name or object", "nothing"),
            Metrics = compile.TryGet("metrics", out var metrics) && metrics is List<object?> list
                ? list.Select(m => m as string ?? throw Field(source, "compile.metrics", "metric names", Config.Describe(m))).ToList()
                : [],
            LossWeights = LossWeights(compile, source),
            X = data.X,
            Y = y,
            SplitX = splitX,
            SplitY = splitY,
            ValidationSplit = split,
            Epochs = Epochs(fit),
            BatchSize = BatchSize(fit),
            Shuffle = fit.Bool("shuffle", true),
            Seed = fit.Int("seed", 42),
            EarlyStopping = EarlyStoppingOf(fit),
            SavedModelPath = saved is { } s && !top.Bool("from_scratch", false) ? s.Path : null,
            SavedArchitecture = saved is null ? null : model.ToJsonString(),
        };
    }

    /// <summary>"fit.callbacks": Keras callbacks as <c>{"class_name": ..., "config": {...}}</c> with the arguments under Keras's
    /// names. EarlyStopping is the one an experiment runs (at most one); its config, checked by building it; null without.</summary>
    private static Config? EarlyStoppingOf(ExperimentSection fit)
    {
        if (fit.Raw("callbacks") is not { } raw) return null;
        const string expected = "a list of {\"class_name\": \"EarlyStopping\", \"config\": {...}} (Keras's argument names)";
        if (raw is not List<object?> list || list.Count > 1) throw fit.Error("callbacks", expected, Config.Describe(raw));
        if (list.Count == 0) return null;
        if (list[0] is not Config entry || entry.GetValueOr("class_name", 0) is not "EarlyStopping"
            || entry.Keys.Any(k => k is not ("class_name" or "config")) || entry.GetValueOr("config", new Config()) is not Config config)
            throw fit.Error("callbacks", expected, Config.Describe(list[0]));
        try { Callbacks.EarlyStopping.FromConfig(config); }
        catch (ArgumentException e) { throw fit.Error("callbacks", "EarlyStopping arguments Keras has, with valid values", e.Message); }
        return config;
    }

    /// <summary>A list of column widths ("data.split_x", "data.split_y"), null when absent; the widths must add up to the
    /// last axis of x or y.</summary>
    private static IReadOnlyList<int>? Widths(ExperimentSection data, string field)
    {
        if (data.Raw(field) is not { } raw) return null;
        if (raw is not List<object?> list || list.Count == 0 || list.Any(v => v is not long n || n < 1 || n > int.MaxValue))
            throw data.Error(field, "a list of integers ≥ 1 (column widths, one per model input or output)", Config.Describe(raw));
        return list.Select(v => (int)(long)v!).ToList();
    }

    /// <summary>"compile.loss_weights": a list of numbers or an object of numbers keyed by output name; null when absent.</summary>
    private static object? LossWeights(Config compile, string source)
    {
        if (!compile.TryGet("loss_weights", out var weights) || weights is null) return null;
        var values = weights switch
        {
            List<object?> list => list,
            Config byName => byName.Values.ToList(),
            _ => null,
        };
        if (values is null || values.Any(v => v is not (long or double) || Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) < 0))
            throw Field(source, "compile.loss_weights", "a list of numbers ≥ 0 (one per output) or an object of them keyed by output name",
                Config.Describe(weights));
        return weights;
    }

    private static void CheckWidths(ExperimentSection data, string field, IReadOnlyList<int>? widths, Tensor table)
    {
        int columns = ExperimentSplit.ColumnsOf(table);
        if (widths is not null && (table.Rank > 3 || widths.Sum() != columns))
            throw data.Error(field, $"widths adding up to the {columns} column(s) of the data (shape {Tensor.ShapeString(table.Shape)})",
                $"{string.Join(" + ", widths)} = {widths.Sum()}");
    }

    /// <summary>The model of a "model" field naming a saved model file, with its compile settings; null otherwise.</summary>
    private static (string Path, Model Model, Config? Compile)? ReadSavedModel(Config root, string folder, string source)
    {
        if (root.GetValueOr("model", 0) is not string file) return null;
        string path = Resolve(folder, file, source, "model");
        bool saved = path.EndsWith(".keras", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".h5", StringComparison.OrdinalIgnoreCase)
            || (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && File.ReadAllText(path).Contains("\"modelTopology\""));
        if (!saved) return null;
        var model = Model.Load(path);
        Config? compile = model.IsCompiled
            ? new Config
            {
                ["optimizer"] = Optimizers.Optimizer.Serialize(model.Optimizer!),
                ["loss"] = Losses.Loss.Serialize(model.Loss!),
                ["metrics"] = model.MetricSpecs.OfType<string>().Cast<object?>().ToList(),
            }
            : null;
        return (path, model, compile);
    }

    /// <summary>The expected finding codes of a clinic case (its "expect" section): "codes" that must all be found, or
    /// "accepted" codes of which one found is a detection (a published benchmark's label that several codes can name).</summary>
    public static (IReadOnlyList<string> codes, bool healthy) ReadExpectation(string path)
    {
        var expect = Expect(path);
        var codes = Codes(expect, "codes") ?? Codes(expect, "accepted") ?? [];
        return (codes, expect.GetBool("healthy", codes.Count == 0));
    }

    /// <summary>The "expect.accepted" codes of a published case; null for a case that lists "codes".</summary>
    public static IReadOnlyList<string>? ReadAccepted(string path) => Codes(Expect(path), "accepted");

    /// <summary>The benchmark's root cause as a finding code ("expect.primary_cause"), if the case names one.</summary>
    public static string? ReadPrimaryCause(string path) => Expect(path).GetString("primary_cause", null);

    /// <summary>The validation loss a case must end below ("expect.max_val_loss"): a healthy case's own run, a faulty
    /// case's repaired run. Proof that the model learned, beyond the findings being gone; null when the case sets none.</summary>
    public static double? ReadMaxValidationLoss(string path)
    {
        var expect = Expect(path);
        if (!expect.TryGet("max_val_loss", out var value)) return null;
        double? number = value switch { double d => d, long l => l, int i => i, _ => null };
        return number > 0 ? number : throw Field(path, "expect.max_val_loss", "a positive number", Config.Describe(value));
    }

    private static Config Expect(string path) =>
        Config.Parse(File.ReadAllText(path)).GetConfig("expect") ?? throw Field(path, "expect", "an object with codes and healthy", "nothing");

    private static List<string>? Codes(Config expect, string key) =>
        expect.TryGet(key, out var c) && c is List<object?> list ? list.Select(v => v as string ?? throw Field("expect", key, "codes", Config.Describe(v))).ToList() : null;

    /// <summary>Keras's fit takes targets of shape (N,) for a one-unit output (its losses expand them to
    /// (N, 1)); Nabla's fit wants the shapes equal, so labels of a 0/1 or regression file are given a column.</summary>
    private static Tensor MatchOneUnitOutput(Config model, Tensor y)
    {
        if (y.Rank != 1) return y;
        var output = KerasModelJson.FromConfig(model.DeepClone()).OutputShape;
        return output is [1] ? Tensor.FromArray(y.Data, y.Shape[0], 1) : y;
    }

    private static Config ReadModel(Config root, string folder, string source)
    {
        if (!root.TryGet("model", out var model)) throw Field(source, "model", "a Keras model config or a path to one", "nothing");
        Config config = model switch
        {
            Config c => c,
            string file => Config.Parse(File.ReadAllText(Resolve(folder, file, source, "model"))),
            _ => throw Field(source, "model", "a Keras model config or a path to one", Config.Describe(model)),
        };
        // Normalize to {"class_name": "Sequential", "config": {...}} so repairs have one shape to edit.
        var sequential = FileContent.Use(source, "field 'model'", "a Keras model config Nabla can build",
            () => KerasModelJson.FromConfig(config.DeepClone(), source));
        return config.TryGet("class_name", out _) && config.GetValueOr("config", 0) is Config
            ? config
            : KerasModelJson.ToConfig(sequential);
    }

    internal static string Resolve(string folder, string file, string source, string field)
    {
        string full = Path.GetFullPath(Path.Combine(folder, file));
        if (!File.Exists(full)) throw Field(source, field, "an existing file", $"'{file}' (looked for {full})");
        return full;
    }

    internal static DataFormatException Field(string source, string field, string expected, string found) =>
        DataFormatException.AtField(source, $"field '{field}'", expected, found);
}
