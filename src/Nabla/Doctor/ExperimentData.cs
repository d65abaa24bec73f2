using System.Globalization;
using Nabla.Configuration;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Doctor;

/// <summary>
/// The "data" section of an experiment file: where x and y come from (files, the MNIST sample, a synthetic set or a
/// folder of images, one subfolder per class),
/// then, in this order, "samples", "image_shape", "flatten", "normalize" and "one_hot". Statistics for "normalize" are taken on
/// the training split only (the samples before "validation_split"), as a Keras user fits a scaler or adapts a
/// Normalization layer on the training data.
/// </summary>
internal static class ExperimentData
{
    public static readonly string[] NormalizeModes = ["pixels", "standardize", "minmax", "adapt"];

    /// <summary>The data; <c>AdaptTo</c> holds the training rows of x when the model's Normalization layer is to be adapted.</summary>
    public sealed record Result(Tensor X, Tensor Y, Tensor? AdaptTo);

    public static Result Read(ExperimentSection data, string folder, DataReadOptions options, double validationSplit)
    {
        var (x, y) = data.Section("synthetic") is { } synthetic ? ReadSynthetic(synthetic, options)
            : data.Section("directory") is { } directory ? ReadDirectory(directory, folder, options)
            : ReadFiles(data, folder);
        if (data.Has("samples"))
        {
            int limit = data.Int("samples", 0, min: 1);
            if (limit < x.Shape[0]) (x, y) = (Preprocessing.RowRange(x, 0, limit), Preprocessing.RowRange(y, 0, limit));
        }
        bool mnist = !data.Has("synthetic") && data.String("x", null) == "mnist-sample";
        x = ExperimentImages.Apply(x, data, mnist ? ExperimentImages.MnistShape : null);
        if (data.Bool("flatten", false)) x = Tensor.Reshape(x, x.Shape[0], x.RowSize);
        Tensor? adaptTo = null;
        if (NormalizeMode(data) is { } mode)
        {
            var training = Preprocessing.RowRange(x, 0, Model.TrainingSamples(x.Shape[0], validationSplit));
            switch (mode)
            {
                case "pixels": x *= 1f / 255f; break;
                case "standardize": x = Preprocessing.StandardScale(training).Scaling.Apply(x); break;
                case "minmax": x = Preprocessing.MinMaxScale(training).Scaling.Apply(x); break;
                default: adaptTo = training; break;
            }
        }
        if (data.Bool("one_hot", false))
        {
            int classes = data.Int("num_classes", (int)System.Numerics.Tensors.TensorPrimitives.Max(y.Data) + 1, min: 1);
            y = Preprocessing.ToCategorical(y, classes);
        }
        return new Result(x, y, adaptTo);
    }

    /// <summary>The rows <see cref="Read"/> would give, without generating synthetic data: its "samples", or the files'
    /// rows, then the section's "samples" cap.</summary>
    public static int Rows(ExperimentSection data, string folder)
    {
        int rows = data.Section("synthetic") is { } synthetic ? synthetic.Int("samples", 1000, min: 1)
            : data.Section("directory") is not null ? Read(data, folder, new DataReadOptions(), 0).X.Shape[0]
            : ReadFiles(data, folder).Item1.Shape[0];
        return data.Has("samples") ? Math.Min(rows, data.Int("samples", 0, min: 1)) : rows;
    }

    /// <summary>Writes the statistics of <paramref name="rows"/> into the model's one Normalization layer config (its
    /// "mean" and "variance", as Keras's layer config holds them), so every run builds the layer adapted.</summary>
    public static Config AdaptNormalization(Config model, Tensor rows, ExperimentSection data)
    {
        var copy = model.DeepClone();
        var inner = copy.GetConfig("config") ?? copy;
        var layers = inner.TryGet("layers", out var list) && list is List<object?> items ? items.OfType<Config>().ToList() : [];
        var normalizations = layers.Where(l => l.GetString("class_name", null) == "Normalization").ToList();
        if (normalizations.Count != 1)
            throw data.Error("normalize", "\"adapt\" only for a model with exactly one Normalization layer (to adapt to the training data)",
                $"{normalizations.Count} Normalization layers in the model");
        var layerConfig = normalizations[0].GetConfig("config") ?? throw data.Error("normalize", "\"adapt\" for a Normalization layer with a config", "none");
        var adapted = new Normalization();
        adapted.Adapt(rows);
        var statistics = adapted.GetConfig();
        layerConfig["mean"] = statistics["mean"];
        layerConfig["variance"] = statistics["variance"];
        return copy;
    }

    private static string? NormalizeMode(ExperimentSection data)
    {
        const string expected = "\"pixels\" (divide by 255), \"standardize\", \"minmax\", \"adapt\" or false";
        return data.Raw("normalize") switch
        {
            null or false => null,
            true => throw data.Error("normalize", expected, "true"),
            string mode when NormalizeModes.Contains(mode) => mode,
            string mode => throw data.Error("normalize", expected, $"\"{mode}\"{NameSuggestions.DidYouMean(mode, NormalizeModes)}"),
            var other => throw data.Error("normalize", expected, Config.Describe(other)),
        };
    }

    private static (Tensor, Tensor) ReadFiles(ExperimentSection data, string folder)
    {
        string source = data.Source;
        string xSpec = data.String("x", null) ?? throw data.Error("x", "a file path or \"mnist-sample\"", "nothing");
        if (xSpec == "mnist-sample")
        {
            // [8000, 28, 28] as Mnist.LoadSample() gives it; "flatten" makes it [8000, 784].
            var ((trainX, trainY), _) = Datasets.Mnist.LoadSample();
            return (trainX, trainY);
        }
        string xPath = ExperimentFile.Resolve(folder, xSpec, source, "data.x");
        string? labelColumn = data.String("label_column", null);
        if (labelColumn is not null)
        {
            if (!xPath.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                throw data.Error("label_column", "given only with a CSV file in 'data.x'", $"'{labelColumn}' with '{xSpec}'");
            return Csv.Load(xPath, labelColumn: labelColumn);
        }
        var x = LoadArray(xPath);
        string ySpec = data.String("y", null) ?? throw data.Error("y", "a file path (or 'label_column' for a CSV x)", "nothing");
        return (x, LoadArray(ExperimentFile.Resolve(folder, ySpec, source, "data.y")));
    }

    /// <summary>Keras's image_dataset_from_directory over the whole folder (fit's validation_split then takes the last
    /// shuffled files, as Keras's subset "validation" does), its arguments under their Keras names.</summary>
    private static (Tensor, Tensor) ReadDirectory(ExperimentSection d, string folder, DataReadOptions options)
    {
        string relative = d.String("path", null) ?? throw d.Error("path", "a folder of images, one subfolder per class", "nothing");
        string path = Path.GetFullPath(Path.Combine(folder, relative));
        if (!Directory.Exists(path)) throw d.Error("path", "an existing folder", $"'{relative}' (looked for {path})");
        int[] size = d.Raw("image_size") switch
        {
            null => [256, 256],
            List<object?> { Count: 2 } list when list.All(v => v is long and > 0 and < int.MaxValue) => [.. list.Select(Convert.ToInt32)],
            var other => throw d.Error("image_size", "[height, width] (positive integers)", Config.Describe(other)),
        };
        string[]? classNames = d.Raw("class_names") switch
        {
            null => null,
            List<object?> names when names.All(n => n is string) => [.. names.Cast<string>()],
            var other => throw d.Error("class_names", "a list of subfolder names", Config.Describe(other)),
        };
        int seed = d.Int("seed", 0, min: 0);
        var images = FileContent.Use(d.Source, "field 'data.directory'", "an image folder Images.DatasetFromDirectory reads", () =>
            Images.ReadDirectory(path, "inferred", d.String("label_mode", "int"), classNames, d.String("color_mode", "rgb")!,
                (size[0], size[1]), d.Bool("shuffle", true), seed, validationSplit: null, subset: null, d.String("interpolation", "bilinear")!,
                followLinks: false, d.Bool("crop_to_aspect_ratio", false), dataFormat: KerasConfig.ChannelsLast, verbose: false, options.MaxBytes));
        return (images.Images, images.Labels ?? throw d.Error("label_mode", "\"int\", \"categorical\" or \"binary\" (the doctor trains on labels)", "null"));
    }

    private static (Tensor, Tensor) ReadSynthetic(ExperimentSection s, DataReadOptions options)
    {
        string kind = s.String("kind", "classification")!;
        int samples = s.Int("samples", 1000, min: 1), features = s.Int("features", 20, min: 1), seed = s.Int("seed", 1);
        bool sequence = kind is "adding" or "early_sign" or "reversal" or "reviews" or "weather";
        int height = s.Int("height", 8, min: 1), width = s.Int("width", 8, min: 1), channels = s.Int("channels", 1, min: 1);
        int timesteps = s.Int("timesteps", 100, min: 1);
        // Checked before generating: a legal but huge request would otherwise take minutes to draw.
        int outputs = s.Int("outputs", 1, min: 1);
        int symbols = s.Int("symbols", 4, min: 2);
        long perSample = kind switch
        {
            "reversal" => 3L * timesteps * symbols,
            "reviews" => timesteps + 1L,
            "weather" => timesteps * (long)Synthetic.WeatherColumns.Count + 1,
            "images" => (long)height * width * channels + 1,
            _ => sequence ? 2L * timesteps : features + outputs,
        };
        long bytes = samples * perSample * sizeof(float);
        if (bytes > options.MaxBytes)
            throw s.Error(sequence ? "timesteps" : kind == "images" ? "height" : "features", $"at most {options.MaxBytes} bytes of data (DataReadOptions.MaxBytes)",
                $"{samples} samples needing {bytes} bytes");
        // The tables a generator draws from count too: the reviews' word-frequency table (a double per id) and the
        // weather series the windows are cut from.
        var (table, tableField) = kind switch
        {
            "reviews" => ((long)VocabularyField(s) * sizeof(double), "vocabulary"),
            "weather" => (Synthetic.WeatherSeriesBytes(RowsField(s)), "rows"),
            _ => (0L, ""),
        };
        if (bytes + table > options.MaxBytes)
            throw s.Error(tableField, $"at most {options.MaxBytes} bytes of data and tables (DataReadOptions.MaxBytes)",
                $"{bytes} bytes of samples and a table of {table} bytes");
        double scale = s.Double("scale", 1), offset = s.Double("offset", 0);
        return kind switch
        {
            "classification" => Synthetic.Classification(samples, features, s.Int("classes", 3, min: 2), seed, s.Double("noise", 0.5), scale, offset),
            "regression" => Synthetic.Regression(samples, features, seed, s.Double("noise", 0.05), scale, offset, s.Double("target_scale", 1), outputs),
            "adding" => Synthetic.AddingProblem(samples, timesteps, seed),
            "early_sign" => Synthetic.EarlySignClassification(samples, timesteps, seed, s.Int("window", 5, min: 1)),
            "reversal" => Synthetic.SequenceReversal(samples, timesteps, symbols, seed),
            "images" => Synthetic.Images(samples, height, width, channels, s.Int("classes", 3, min: 2), seed, s.Double("noise", 0.1), scale, offset),
            "reviews" => Synthetic.Reviews(samples, timesteps, Vocabulary(s), seed),
            "weather" => Weather(s, samples, timesteps, seed),
            _ => throw s.Error("kind", "\"classification\", \"regression\", \"adding\", \"early_sign\", \"reversal\", \"images\", \"reviews\" or \"weather\"", $"\"{kind}\""),
        };
    }

    /// <summary>The reviews' <c>vocabulary</c> and the weather's <c>rows</c> with their defaults: read for the data budget
    /// and again by their generators.</summary>
    private static int VocabularyField(ExperimentSection s) => s.Int("vocabulary", 2000, min: 70);

    private static int RowsField(ExperimentSection s) => s.Int("rows", 3 * Synthetic.WeatherRowsPerYear, min: 2);

    /// <summary>The reviews' vocabulary, refused by name past the float32 ids' exact range.</summary>
    private static int Vocabulary(ExperimentSection s)
    {
        int vocabulary = VocabularyField(s);
        return vocabulary <= Synthetic.MaxReviewVocabulary ? vocabulary
            : throw s.Error("vocabulary", $"at most {Synthetic.MaxReviewVocabulary} ids (word ids are float32 values, exact up to 2^24)",
                vocabulary.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The weather series' size fields, each refused by name; the standardizing stretches default to the whole series.</summary>
    private static (Tensor, Tensor) Weather(ExperimentSection s, int samples, int timesteps, int seed)
    {
        int horizon = s.Int("horizon", 24, min: 1);
        int rows = RowsField(s);
        if (rows < timesteps + horizon)
            throw s.Error("rows", $"at least timesteps + horizon = {timesteps + horizon} rows (a window and its target)", rows.ToString(CultureInfo.InvariantCulture));
        int StretchOf(string field)
        {
            int stretch = s.Int(field, rows, min: 2);
            return stretch <= rows ? stretch
                : throw s.Error(field, $"at most the series' {rows} rows", stretch.ToString(CultureInfo.InvariantCulture));
        }
        int meanRows = StretchOf("mean_rows"), stdRows = StretchOf("std_rows");
        try
        {
            return Synthetic.Weather(samples, timesteps, horizon, rows, meanRows, stdRows, seed);
        }
        catch (ArgumentException e) when (e.ParamName == "stdRows")
        {
            throw s.Error("std_rows", "rows over which every column varies", $"{stdRows} rows ({e.Message.Split(" (Parameter")[0]})");
        }
    }

    private static Tensor LoadArray(string path) => System.IO.Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".npy" => Npy.Load(path),
        ".csv" => Csv.Read(path).Features,
        _ => Idx.Load(path),
    };
}
