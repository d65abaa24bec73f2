using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>TextVectorization's Keras config (text_vectorization.py, get_config and from_config).</summary>
public sealed partial class TextVectorization
{
    private static readonly string[] ConfigKeys =
    [
        "name", "trainable", "dtype", "max_tokens", "standardize", "split", "ngrams", "output_mode", "output_sequence_length",
        "pad_to_max_tokens", "sparse", "ragged", "vocabulary", "idf_weights", "encoding", "vocabulary_size", "has_input_vocabulary",
    ];

    /// <summary>Keras 3's keys; an adapted vocabulary is written in 'vocabulary' (see <see cref="StringLookup.GetConfig"/>).</summary>
    public Config GetConfig()
    {
        var inner = lookup.GetConfig();
        return new Config
        {
            ["name"] = Name,
            ["trainable"] = true,
            ["max_tokens"] = inner["max_tokens"],
            ["standardize"] = Standardize,
            ["split"] = Split,
            ["ngrams"] = NgramsArgument switch
            {
                int n => (long)n,
                IReadOnlyList<int> widths => widths.Select(w => (object?)(long)w).ToList(),
                _ => null,
            },
            ["output_mode"] = OutputMode.KerasName(),
            ["output_sequence_length"] = OutputSequenceLength is int length ? (long)length : null,
            ["pad_to_max_tokens"] = PadToMaxTokens,
            ["sparse"] = false,
            ["ragged"] = false,
            ["vocabulary"] = inner["vocabulary"],
            ["idf_weights"] = inner["idf_weights"],
            ["encoding"] = "utf-8",
            ["vocabulary_size"] = lookup.VocabularySizeForConfig,
        };
    }

    /// <summary>Reads Keras's config, every key it writes; unknown keys and callables (a registered function's config in
    /// 'standardize' or 'split') are refused by name. A null vocabulary with a vocabulary_size is an adapted layer whose
    /// vocabulary is in the .keras archive's assets: give it with <see cref="LoadVocabulary"/>.</summary>
    public static TextVectorization FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string owner = $"TextVectorization '{config.GetString("name", null) ?? "?"}'";
        StringLookup.CheckKeys(config, owner, ConfigKeys);
        config.RefuseNull(owner, "output_mode");
        string? Choice(string key, string fallback)
        {
            if (!config.TryGetValue(key, out var value)) return fallback;
            return value switch
            {
                null => null,
                string s => s,
                _ => throw new ArgumentException(
                    $"{owner} config '{key}' is {Config.Describe(value)}, a custom function; Nabla takes no callable for '{key}'."),
            };
        }
        int? ngrams = null;
        List<int>? widths = null;
        if (config.TryGet("ngrams", out var ngramsValue))
        {
            if (ngramsValue is List<object?> list)
                widths = [.. list.Select((w, i) => w is long l ? (int)l
                    : throw new ArgumentException($"{owner} config 'ngrams'[{i}] is {Config.Describe(w)}; expected an integer."))];
            else ngrams = config.GetInt("ngrams");
        }
        var layer = new TextVectorization(
            maxTokens: StringLookup.OptionalInt(config, "max_tokens"),
            standardize: Choice("standardize", "lower_and_strip_punctuation"),
            split: Choice("split", "whitespace"),
            ngrams: ngrams,
            ngramWidths: widths,
            outputMode: config.GetString("output_mode", "int")!,
            outputSequenceLength: StringLookup.OptionalInt(config, "output_sequence_length"),
            padToMaxTokens: config.GetTruthy("pad_to_max_tokens", false),
            vocabulary: StringLookup.StringList(config, "vocabulary", owner),
            idfWeights: IntegerLookup.DoubleList(config, "idf_weights", owner),
            sparse: config.GetTruthy("sparse", false),
            ragged: config.GetTruthy("ragged", false),
            encoding: config.GetString("encoding", "utf-8")!,
            name: config.GetString("name", null));
        layer.lookup.ReadVocabularySize(config, owner);
        return layer;
    }
}
