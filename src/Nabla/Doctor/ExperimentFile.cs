using Nabla.Data;
using Nabla.Configuration;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// Reads the doctor's experiment file:
/// <code>
/// { "model": { "class_name": "Sequential", "config": { "layers": [...] } } | "model.json" | "saved.keras",
///   "from_scratch": false,
///   "compile": { "optimizer": "adam" | {"class_name": "Adam", "config": {...}}, "loss": "mse", "metrics": ["accuracy"] },
///   "data": { "x": "x.npy" | "mnist-sample", "y": "y.npy", "one_hot": true, "validation_split": 0.2,
///             "label_column": "label", "normalize": true, "num_classes": 10,
///             "image_shape": [14, 14, 1],
///             "synthetic": { "kind": "classification" | "regression" | "adding" | "early_sign" | "images", "samples": 1000,
///                            "features": 20, "outputs": 1, "timesteps": 100, "height": 8, "width": 8, "channels": 1, ... } },
///   "fit": { "epochs": 10, "batch_size": 32, "shuffle": true, "seed": 42 },
///   "expect": { "codes": ["saturated_activations"], "healthy": false } }
/// </code>
/// Paths are relative to the experiment file. A saved model (.keras, .h5, TensorFlow.js model.json) is diagnosed as it
/// is, from its saved weights ("from_scratch": true re-initializes them), compiled as saved unless "compile" says
/// otherwise. Every error names the file and the field.
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

    public static Experiment Parse(Config root, string folder, string name, string source, DataReadOptions? options = null)
    {
        options ??= new DataReadOptions();
        var saved = ReadSavedModel(root, folder, source);
        var model = saved is null ? ReadModel(root, folder, source) : KerasModelJson.ToConfig(saved.Value.Model);
        var compile = root.GetConfig("compile") ?? saved?.Compile ?? new Config();
        var data = root.GetConfig("data") ?? throw Field(source, "data", "an object with x and y", "nothing");
        var fit = root.GetConfig("fit") ?? new Config();
        var (x, y) = ReadData(data, folder, source, options);
        y = MatchOneUnitOutput(model, y);
        double split = data.GetDouble("validation_split", fit.GetDouble("validation_split", 0));
        if (!(split >= 0 && split < 1)) throw Field(source, "data.validation_split", "a number in [0, 1)", split.ToString());
        return new Experiment
        {
            Name = name,
            Model = model,
            Optimizer = compile.TryGet("optimizer", out var opt) ? opt! : "adam",
            Loss = compile.TryGet("loss", out var loss) ? loss! : throw Field(source, "compile.loss", "a loss name or object", "nothing"),
            Metrics = compile.TryGet("metrics", out var metrics) && metrics is List<object?> list
                ? list.Select(m => m as string ?? throw Field(source, "compile.metrics", "metric names", Config.Describe(m))).ToList()
                : [],
            X = x,
            Y = y,
            ValidationSplit = split,
            Epochs = fit.GetInt("epochs", 10),
            BatchSize = fit.GetInt("batch_size", 32),
            Shuffle = fit.GetBool("shuffle", true),
            Seed = fit.GetInt("seed", 42),
            SavedModelPath = saved is { } s && !root.GetBool("from_scratch", false) ? s.Path : null,
            SavedArchitecture = saved is null ? null : model.ToJsonString(),
        };
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

    private static (Tensor x, Tensor y) ReadData(Config data, string folder, string source, DataReadOptions options)
    {
        Tensor x, y;
        int[]? imageShape = null;
        if (data.GetConfig("synthetic") is Config synthetic) (x, y) = ReadSynthetic(synthetic, source, options);
        else
        {
            string xSpec = data.GetString("x", null) ?? throw Field(source, "data.x", "a file path or \"mnist-sample\"", "nothing");
            if (xSpec == "mnist-sample")
            {
                var ((trainX, trainY), _) = Datasets.Mnist.LoadSample();
                imageShape = ExperimentImages.MnistShape;
                x = Tensor.FromArray(trainX.Data, trainX.Shape[0], trainX.Size / trainX.Shape[0]);
                y = trainY;
                int? limit = data.TryGet("samples", out _) ? data.GetInt("samples") : null;
                if (limit is int n && n < x.Shape[0]) (x, y) = (DataChecks.Rows(x, 0, n), DataChecks.Rows(y, 0, n));
            }
            else
            {
                string xPath = Resolve(folder, xSpec, source, "data.x");
                string? labelColumn = data.GetString("label_column", null);
                if (xPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) && labelColumn is not null)
                {
                    (x, y) = Csv.Load(xPath, labelColumn: labelColumn);
                }
                else
                {
                    x = LoadArray(xPath);
                    string ySpec = data.GetString("y", null) ?? throw Field(source, "data.y", "a file path", "nothing");
                    y = LoadArray(Resolve(folder, ySpec, source, "data.y"));
                }
            }
        }
        x = ExperimentImages.Apply(x, data, source, imageShape);
        if (data.GetBool("normalize", false)) x *= 1f / 255f;
        if (data.GetBool("one_hot", false))
        {
            int classes = data.GetInt("num_classes", (int)System.Numerics.Tensors.TensorPrimitives.Max(y.Data) + 1);
            y = Preprocessing.ToCategorical(y, classes);
        }
        return (x, y);
    }

    private static (Tensor, Tensor) ReadSynthetic(Config s, string source, DataReadOptions options)
    {
        string kind = s.GetString("kind", "classification")!;
        int samples = s.GetInt("samples", 1000), features = s.GetInt("features", 20), seed = s.GetInt("seed", 1);
        // Checked before generating: a legal but huge request would otherwise take minutes to draw.
        long perSample = kind is "adding" or "early_sign" ? 2L * Math.Max(0, s.GetInt("timesteps", 100))
            : kind == "images" ? (long)Math.Max(0, s.GetInt("height", 8)) * Math.Max(0, s.GetInt("width", 8)) * Math.Max(0, s.GetInt("channels", 1)) + 1
            : Math.Max(0, features) + Math.Max(1, s.GetInt("outputs", 1));
        long bytes = (long)Math.Max(0, samples) * perSample * sizeof(float);
        if (bytes > options.MaxBytes)
            throw Field(source, kind is "adding" or "early_sign" ? "data.synthetic.timesteps" : "data.synthetic.features", $"at most {options.MaxBytes} bytes of data (DataReadOptions.MaxBytes)",
                $"{samples} samples needing {bytes} bytes");
        double scale = s.GetDouble("scale", 1), offset = s.GetDouble("offset", 0);
        return kind switch
        {
            "classification" => Synthetic.Classification(samples, features, s.GetInt("classes", 3), seed,
                s.GetDouble("noise", 0.5), scale, offset),
            "regression" => Synthetic.Regression(samples, features, seed, s.GetDouble("noise", 0.05), scale, offset,
                s.GetDouble("target_scale", 1), s.GetInt("outputs", 1)),
            "adding" => Synthetic.AddingProblem(samples, s.GetInt("timesteps", 100), seed),
            "early_sign" => Synthetic.EarlySignClassification(samples, s.GetInt("timesteps", 100), seed, s.GetInt("window", 5)),
            "images" => Synthetic.Images(samples, s.GetInt("height", 8), s.GetInt("width", 8), s.GetInt("channels", 1),
                s.GetInt("classes", 3), seed, s.GetDouble("noise", 0.1), scale, offset),
            _ => throw Field(source, "data.synthetic.kind", "\"classification\", \"regression\", \"adding\", \"early_sign\" or \"images\"", kind),
        };
    }

    private static Tensor LoadArray(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npy" => Npy.Load(path),
        ".csv" => Csv.Read(path).Features,
        _ => Idx.Load(path),
    };

    private static string Resolve(string folder, string file, string source, string field)
    {
        string full = Path.GetFullPath(Path.Combine(folder, file));
        if (!File.Exists(full)) throw Field(source, field, "an existing file", $"'{file}' (looked for {full})");
        return full;
    }

    private static DataFormatException Field(string source, string field, string expected, string found) =>
        DataFormatException.AtField(source, $"field '{field}'", expected, found);
}
