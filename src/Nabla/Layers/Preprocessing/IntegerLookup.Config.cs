using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>IntegerLookup's Keras config: Keras 3's keys (IndexLookup.get_config), and tf.keras 2.3-2.5's older names.</summary>
public sealed partial class IntegerLookup
{
    /// <summary>
    /// Keras 3's keys: invert, max_tokens, num_oov_indices, oov_token, mask_token, output_mode, sparse, pad_to_max_tokens,
    /// vocabulary_dtype, idf_weights, vocabulary, vocabulary_size. A given vocabulary (and idf_weights) is written as given.
    /// An adapted one is written there too, after the mask and OOV tokens in layout order, with the weight of every entry:
    /// Keras would keep it in the archive's assets instead, but reads it from the config all the same (the layer it loads
    /// then counts as given a vocabulary, and refuses a second adapt).
    /// </summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["invert"] = Invert;
        config["max_tokens"] = MaxTokens is int max ? (long)max : null;
        config["num_oov_indices"] = (long)NumOovIndices;
        config["oov_token"] = OovToken;
        config["mask_token"] = MaskToken;
        config["output_mode"] = OutputMode.KerasName();
        config["sparse"] = false;
        config["pad_to_max_tokens"] = PadToMaxTokens;
        config["vocabulary_dtype"] = "int64";
        var (vocabulary, weights) = table.Written();
        config["idf_weights"] = weights?.Select(w => (object?)w).ToList();
        config["vocabulary"] = vocabulary?.Select(t => (object?)t).ToList();
        config["vocabulary_size"] = (table.Size ?? table.FrozenSize) is int size ? (long)size : null;
        return config;
    }

    /// <summary>
    /// Reads Keras 3's config and tf.keras 2's (the same keys; tf.keras 2.3-2.5's experimental layer named them max_values,
    /// mask_value and oov_value). Nulls are read as Keras reads None: max_tokens, mask_token, vocabulary, idf_weights and
    /// vocabulary_size are None by default; a null invert, sparse or pad_to_max_tokens is false (Python's falsy None); a
    /// null num_oov_indices, output_mode or vocabulary_dtype is refused (Keras fails on it). A null vocabulary with a
    /// vocabulary_size is an adapted Keras layer whose vocabulary is in the archive's assets: the layer loads without one
    /// and refuses to run until it has one.
    /// </summary>
    public static IntegerLookup FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        string owner = $"IntegerLookup '{name ?? "?"}'";
        RefuseNull(config, "IntegerLookup", "num_oov_indices", "output_mode", "vocabulary_dtype");
        if (config.GetString("vocabulary_dtype", "int64") is var dtype and not "int64")
            throw new ArgumentException($"{owner} config 'vocabulary_dtype' is \"{dtype}\"; Keras supports \"int64\" only.");
        if (config.GetString("oov_method", "floormod") is var method and not "floormod")
            throw new ArgumentException(
                $"{owner} config 'oov_method' is \"{method}\"; Nabla implements \"floormod\" only (Keras's default for integers), not FarmHash.");
        string Key(string keras3, string old) => config.ContainsKey(keras3) || !config.ContainsKey(old) ? keras3 : old;
        var layer = new IntegerLookup(
            maxTokens: OptionalInt(config, Key("max_tokens", "max_values")),
            numOovIndices: config.GetInt("num_oov_indices", 1),
            maskToken: OptionalLong(config, Key("mask_token", "mask_value"), null, owner),
            oovToken: OptionalLong(config, Key("oov_token", "oov_value"), -1, owner),
            vocabulary: LongList(config, "vocabulary", owner),
            idfWeights: DoubleList(config, "idf_weights", owner),
            invert: config.GetTruthy("invert", false),
            outputMode: config.GetString("output_mode", "int")!,
            sparse: config.GetTruthy("sparse", false),
            padToMaxTokens: config.GetTruthy("pad_to_max_tokens", false),
            inputShape: inputShape, name: name)
        {
            Trainable = config.GetBool("trainable", true),
        };
        if (config.TryGet("vocabulary_size", out _))
        {
            int size = config.GetInt("vocabulary_size");
            if (!layer.HasVocabulary) layer.table.FrozenSize = size;
            // Keras sets the frozen size first and refuses a vocabulary of another size in an encoded output.
            else if (size != layer.VocabularySize && layer.OutputMode != TokenOutputMode.Int && !layer.PadToMaxTokens)
                throw new ArgumentException(
                    $"{owner} config 'vocabulary_size' is {size} but its vocabulary makes {layer.VocabularySize} indices.");
        }
        return layer;
    }

    /// <summary>A Keras config of an adapted layer leaves the vocabulary to the archive's assets: a null vocabulary with a
    /// vocabulary_size. Keras's save_assets writes it as vocabulary.txt, one token a line, special tokens first.</summary>
    internal override IReadOnlyList<string> KerasAssetNames => !HasVocabulary && table.FrozenSize is not null ? [VocabularyAsset] : [];

    private const string VocabularyAsset = "vocabulary.txt";

    /// <summary>Keras's <c>load_assets</c>: the lines of vocabulary.txt (trailing empty lines dropped), each an integer, set
    /// as the vocabulary. A "tf_idf" layer's weights are kept in Keras's weights file under a name Nabla does not read, so
    /// its vocabulary asset is refused.</summary>
    internal override void LoadKerasAsset(string name, string text)
    {
        if (name != VocabularyAsset) base.LoadKerasAsset(name, text);
        if (OutputMode == TokenOutputMode.TfIdf)
            throw new ArgumentException(
                $"{Owner}: an adapted \"tf_idf\" layer keeps its idf_weights in Keras's weights file, which Nabla does not read; " +
                "give the layer its vocabulary and idf_weights in its config.");
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        var vocabulary = lines.Select((line, i) => long.TryParse(line, System.Globalization.NumberStyles.Integer,
                System.Globalization.CultureInfo.InvariantCulture, out long token)
            ? token
            : throw new ArgumentException($"{Owner}: line {i + 1} of {VocabularyAsset} is \"{line}\"; expected an integer token."));
        try
        {
            SetVocabulary([.. vocabulary]);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException(e.Message, e); // a vocabulary that does not fit its config is the archive's fault
        }
    }

    private static int? OptionalInt(Config config, string key) => config.TryGet(key, out _) ? config.GetInt(key) : null;

    /// <summary>A token: <paramref name="fallback"/> when absent, null when null (Keras's None).</summary>
    private static long? OptionalLong(Config config, string key, long? fallback, string owner)
    {
        if (!config.TryGetValue(key, out var value)) return fallback;
        return value switch
        {
            null => null,
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) <= LargestToken => (long)d,
            _ => throw new ArgumentException($"{owner} config '{key}' is {Config.Describe(value)}; expected an integer token or null."),
        };
    }

    private static List<long>? LongList(Config config, string key, string owner)
    {
        if (!config.TryGet(key, out var value)) return null;
        if (value is string path)
            throw new ArgumentException(
                $"{owner} config '{key}' is the file path \"{path}\"; Nabla reads a vocabulary given as a list (Keras itself never " +
                "writes a path there).");
        if (value is not List<object?> list) throw new ArgumentException($"{owner} config '{key}' is {Config.Describe(value)}; expected a list of integers.");
        return [.. list.Select((item, i) => OptionalLong(new Config { [key] = item }, key, null, owner)
            ?? throw new ArgumentException($"{owner} config '{key}'[{i}] is null; expected an integer."))];
    }

    internal static List<double>? DoubleList(Config config, string key, string owner)
    {
        if (!config.TryGet(key, out var value)) return null;
        if (value is not List<object?> list) throw new ArgumentException($"{owner} config '{key}' is {Config.Describe(value)}; expected a list of numbers.");
        return [.. list.Select((item, i) => item switch
        {
            double d when double.IsFinite(d) => d,
            long l => l,
            _ => throw new ArgumentException($"{owner} config '{key}'[{i}] is {Config.Describe(item)}; expected a finite number."),
        })];
    }
}
