using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>StringLookup's Keras config (IndexLookup.get_config without vocabulary_dtype, with encoding).</summary>
public sealed partial class StringLookup
{
    private static readonly string[] BaseKeys = ["name", "trainable", "dtype"];

    private static readonly string[] LookupKeys =
    [
        "invert", "max_tokens", "num_oov_indices", "oov_token", "mask_token", "output_mode", "sparse", "pad_to_max_tokens",
        "idf_weights", "vocabulary", "vocabulary_size", "encoding", "vocabulary_dtype", "has_input_vocabulary", "oov_method",
    ];

    /// <summary>Keras 3's keys (keras/src/layers/preprocessing/index_lookup.py get_config). An adapted vocabulary is written in 'vocabulary' after the special tokens (Keras would keep
    /// it in the archive's assets, and reads it from the config all the same).</summary>
    public Config GetConfig()
    {
        var (vocabulary, weights) = table.Written();
        return new Config
        {
            ["name"] = Name,
            ["trainable"] = true,
            ["invert"] = Invert,
            ["max_tokens"] = MaxTokens is int max ? (long)max : null,
            ["num_oov_indices"] = (long)NumOovIndices,
            ["oov_token"] = OovToken,
            ["mask_token"] = MaskToken,
            ["output_mode"] = OutputMode.KerasName(),
            ["sparse"] = false,
            ["pad_to_max_tokens"] = PadToMaxTokens,
            ["idf_weights"] = weights?.Select(w => (object?)w).ToList(),
            ["vocabulary"] = vocabulary?.Select(t => (object?)t).ToList(),
            ["vocabulary_size"] = VocabularySizeForConfig,
            ["oov_method"] = "floormod", // Keras's default, written by IndexLookup and ignored for strings (always FarmHash)
            ["encoding"] = "utf-8",
        };
    }

    internal long? VocabularySizeForConfig => (table.Size ?? table.FrozenSize) is int size ? size : null;

    /// <summary>
    /// Reads Keras's config (every key it writes; unknown keys refused by name). Nulls are read as Keras reads None. A
    /// null vocabulary with a vocabulary_size is an adapted layer whose vocabulary is in the .keras archive's assets
    /// (assets/&lt;layer path&gt;/vocabulary.txt): give it with <see cref="LoadVocabulary"/>.
    /// </summary>
    public static StringLookup FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string owner = $"StringLookup '{config.GetString("name", null) ?? "?"}'";
        CheckKeys(config, owner, [.. BaseKeys, .. LookupKeys]);
        config.RefuseNull(owner, "num_oov_indices", "output_mode");
        if (config.GetString("vocabulary_dtype", "string") is var dtype and not "string")
            throw new ArgumentException($"{owner} config 'vocabulary_dtype' is \"{dtype}\"; StringLookup's vocabulary is strings.");
        if (config.GetString("oov_method", "floormod") is var method and not ("floormod" or "farmhash"))
            throw new ArgumentException($"{owner} config 'oov_method' is \"{method}\"; Keras takes \"floormod\" or \"farmhash\".");
        var lookup = new StringLookup(
            maxTokens: OptionalInt(config, "max_tokens"),
            numOovIndices: config.GetInt("num_oov_indices", 1),
            maskToken: config.ContainsKey("mask_token") ? config.GetString("mask_token", null) : null,
            oovToken: config.ContainsKey("oov_token") ? config.GetString("oov_token", null) : "[UNK]",
            vocabulary: StringList(config, "vocabulary", owner),
            idfWeights: IntegerLookup.DoubleList(config, "idf_weights", owner),
            invert: config.GetTruthy("invert", false),
            outputMode: config.GetString("output_mode", "int")!,
            padToMaxTokens: config.GetTruthy("pad_to_max_tokens", false),
            sparse: config.GetTruthy("sparse", false),
            encoding: config.GetString("encoding", "utf-8")!,
            name: config.GetString("name", null));
        lookup.ReadVocabularySize(config, owner);
        return lookup;
    }

    /// <summary>Keras's vocabulary_size: the size a vocabulary from the assets must have in an encoded output.</summary>
    internal void ReadVocabularySize(Config config, string owner)
    {
        if (!config.TryGet("vocabulary_size", out _)) return;
        int size = config.GetInt("vocabulary_size");
        // Keras counts the special indices of an empty table: an unadapted layer writes their number, which freezes nothing.
        if (!HasVocabulary && size <= table.TokenStartIndex) return;
        if (!HasVocabulary) table.FrozenSize = size;
        else if (size != VocabularySize && OutputMode != TokenOutputMode.Int && !PadToMaxTokens)
            throw new ArgumentException($"{owner} config 'vocabulary_size' is {size} but its vocabulary makes {VocabularySize} indices.");
    }

    /// <summary>Refuses a key Keras would not take: Nabla will not ignore a setting silently.</summary>
    internal static void CheckKeys(Config config, string owner, string[] known)
    {
        var unknown = config.Keys.Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException(
                $"{owner} config has the key(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}, which Nabla does not read; " +
                $"keys it reads: {string.Join(", ", known)}.");
    }

    internal static int? OptionalInt(Config config, string key) => config.TryGet(key, out _) ? config.GetInt(key) : null;

    internal static List<string>? StringList(Config config, string key, string owner)
    {
        if (!config.TryGet(key, out var value)) return null;
        if (value is string path)
            throw new ArgumentException(
                $"{owner} config '{key}' is the file path \"{path}\"; Nabla reads a vocabulary given as a list in a config. Read the " +
                "file with LoadVocabulary(path) instead.");
        if (value is not List<object?> list)
            throw new ArgumentException($"{owner} config '{key}' is {Config.Describe(value)}; expected a list of strings.");
        return [.. list.Select((item, i) => item as string
            ?? throw new ArgumentException($"{owner} config '{key}'[{i}] is {Config.Describe(item)}; expected a string."))];
    }
}
