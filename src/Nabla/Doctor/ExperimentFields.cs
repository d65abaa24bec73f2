using Nabla.Configuration;
using Nabla.Data;

namespace Nabla.Doctor;

/// <summary>
/// The fields an experiment file may hold, by section ("" is the top level), and typed reads that name the whole
/// field ("data.samples") in their errors. A key not listed here is refused with the closest known name: a misspelt
/// "normalise" would otherwise train on raw data without a word. docs/experiment-file.md documents each field (a
/// test checks that every field listed here is there).
/// </summary>
internal static class ExperimentFields
{
    public static readonly IReadOnlyDictionary<string, string[]> Sections = new Dictionary<string, string[]>
    {
        [""] = ["model", "from_scratch", "compile", "data", "fit", "expect", "description", "source"],
        ["compile"] = ["optimizer", "loss", "metrics", "loss_weights"],
        ["data"] = ["x", "y", "label_column", "samples", "image_shape", "flatten", "normalize", "one_hot", "num_classes", "validation_split",
            "synthetic", "directory", "generated", "split_x", "split_y"],
        ["data.directory"] = ["path", "image_size", "color_mode", "label_mode", "class_names", "interpolation", "crop_to_aspect_ratio",
            "shuffle", "seed"],
        ["data.synthetic"] = ["kind", "samples", "features", "classes", "noise", "scale", "offset", "target_scale", "outputs", "timesteps",
            "window", "symbols", "vocabulary", "horizon", "rows", "mean_rows", "std_rows", "height", "width", "channels", "seed"],
        ["fit"] = ["epochs", "batch_size", "shuffle", "seed", "validation_split", "callbacks"],
        ["expect"] = ["codes", "accepted", "healthy", "primary_cause", "max_val_loss"],
    };

    /// <summary>Every field as its dotted path ("data.synthetic.kind").</summary>
    public static IEnumerable<string> All() =>
        Sections.SelectMany(section => section.Value.Select(field => Path(section.Key, field)));

    /// <summary>Throws on the first key of <paramref name="config"/> that <paramref name="section"/> does not have.</summary>
    public static void CheckKnown(Config config, string section, string source)
    {
        var known = Sections[section];
        foreach (var key in config.Keys)
        {
            if (known.Contains(key)) continue;
            string hint = NameSuggestions.Closest(key, known) is { } closest ? $" (did you mean '{Path(section, closest)}'?)" : "";
            throw DataFormatException.AtField(source, $"field '{Path(section, key)}'",
                $"one of the fields{(section.Length > 0 ? $" of '{section}'" : "")}: {string.Join(", ", known)} (docs/experiment-file.md)",
                $"a field an experiment file does not have{hint}");
        }
    }

    public static string Path(string section, string field) => section.Length == 0 ? field : $"{section}.{field}";
}

/// <summary>Reads one section of an experiment file; a value of the wrong type or out of range is a
/// <see cref="DataFormatException"/> naming the file and the field, what was expected and what was found.</summary>
internal sealed class ExperimentSection
{
    private readonly Config config;

    public ExperimentSection(Config config, string name, string source)
    {
        ExperimentFields.CheckKnown(config, name, source);
        (this.config, Name, Source) = (config, name, source);
    }

    public string Name { get; }

    public string Source { get; }

    public Config Config => config;

    public bool Has(string field) => config.TryGet(field, out _);

    public object? Raw(string field) => config.TryGet(field, out var value) ? value : null;

    public ExperimentSection? Section(string field) => Raw(field) switch
    {
        null => null,
        Config c => new ExperimentSection(c, ExperimentFields.Path(Name, field), Source),
        var other => throw Error(field, "an object", Config.Describe(other)),
    };

    public int Int(string field, int fallback, int min = int.MinValue)
    {
        int value = Read(field, () => config.GetInt(field, fallback), "an integer");
        if (value < min) throw Error(field, $"an integer ≥ {min}", value.ToString());
        return value;
    }

    public double Double(string field, double fallback) => Read(field, () => config.GetDouble(field, fallback), "a number");

    public bool Bool(string field, bool fallback) => Read(field, () => config.GetBool(field, fallback), "true or false");

    public string? String(string field, string? fallback) => Read(field, () => config.GetString(field, fallback), "a string");

    public DataFormatException Error(string field, string expected, string found) =>
        ExperimentFile.Field(Source, ExperimentFields.Path(Name, field), expected, found);

    private T Read<T>(string field, Func<T> read, string expected)
    {
        try { return read(); }
        catch (ArgumentException) { throw Error(field, expected, Config.Describe(Raw(field))); }
    }
}
