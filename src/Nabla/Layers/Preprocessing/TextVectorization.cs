using System.Text;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>TextVectorization</c> (keras/src/layers/preprocessing/text_vectorization.py), as an object that maps a
/// batch of texts to a <see cref="Tensor"/> outside the model, where Keras's "text classification from scratch"
/// tutorial runs it (Nabla's tensors carry no strings, so it is not a <see cref="Layer"/>). Each text is standardized,
/// split, combined into ngrams, and looked up in a <see cref="StringLookup"/> with mask token "" and OOV token "[UNK]",
/// as Keras's: "int" output reserves 0 for padding and 1 for unknown tokens.
/// </summary>
/// <remarks>
/// As TensorFlow computes it: "lower" is <c>tf.strings.lower</c> with its default encoding "" (tensorflow/core/ops/
/// string_ops.cc), which lowercases ASCII letters only (kernels/string_lower_op.cc), so "É" stays "É"; the punctuation
/// stripped is Keras's regex <c>[!"#$%&amp;()\*\+,-\./:;&lt;=&gt;?@\[\\\]^_`{|}~\']</c>, the 32 ASCII characters of
/// Python's string.punctuation and nothing else; "whitespace" splits on runs of ASCII whitespace (space, \t, \n, \v, \f,
/// \r) with no empty pieces (kernels/string_split_op.cc, SplitV2 without a separator); "character" splits into Unicode
/// code points (tf.strings.unicode_split); ngrams join tokens with one space, per text all ngrams of the first width then
/// the next, none for a text shorter than the width (kernels/string_ngrams_op.cc, no padding).
/// Not supported, refused by name: callables for standardize or split, output_mode "one_hot" with a split, ragged or
/// sparse outputs, an encoding other than UTF-8.
/// </remarks>
public sealed partial class TextVectorization
{
    /// <summary>Keras's DEFAULT_STRIP_REGEX as a set: string.punctuation.</summary>
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private readonly StringLookup lookup;
    private readonly int[]? ngramWidths;

    /// <param name="maxTokens">Keras's <c>max_tokens</c>: the vocabulary's size, padding and OOV indices included.</param>
    /// <param name="standardize">"lower_and_strip_punctuation" (default), "lower", "strip_punctuation" or null.</param>
    /// <param name="split">"whitespace" (default), "character" or null (each text is one token).</param>
    /// <param name="ngrams">Keras's integer <c>ngrams</c>: widths 1 to n.</param>
    /// <param name="ngramWidths">Keras's tuple <c>ngrams</c>: the widths given.</param>
    /// <param name="outputMode">"int" (default), "multi_hot", "count", "tf_idf", or "one_hot" without a split.</param>
    /// <param name="outputSequenceLength">"int" only: every row padded with 0 or truncated to this length; null pads to the
    /// batch's longest.</param>
    public TextVectorization(int? maxTokens = null, string? standardize = "lower_and_strip_punctuation", string? split = "whitespace",
        int? ngrams = null, IReadOnlyList<int>? ngramWidths = null, string outputMode = "int", int? outputSequenceLength = null,
        bool padToMaxTokens = false, IReadOnlyList<string>? vocabulary = null, IReadOnlyList<double>? idfWeights = null,
        bool sparse = false, bool ragged = false, string encoding = "utf-8", string? name = null)
    {
        Name = name ?? "text_vectorization";
        string owner = $"TextVectorization '{Name}'";
        if (standardize is not (null or "lower_and_strip_punctuation" or "lower" or "strip_punctuation"))
            throw new ArgumentException(
                $"{owner}: 'standardize' is \"{standardize}\"; expected \"lower_and_strip_punctuation\", \"lower\", \"strip_punctuation\" " +
                "or null (Nabla takes no callable: standardize the strings before calling).", nameof(standardize));
        if (split is not (null or "whitespace" or "character"))
            throw new ArgumentException(
                $"{owner}: 'split' is \"{split}\"; expected \"whitespace\", \"character\" or null (Nabla takes no callable: split the " +
                "strings yourself and use StringLookup on the tokens).", nameof(split));
        if (ngrams is not null && ngramWidths is not null)
            throw new ArgumentException($"{owner}: give 'ngrams' as an integer or as widths, not both.", nameof(ngramWidths));
        var widths = ngrams is int n ? [.. Enumerable.Range(1, Math.Max(n, 0))] : ngramWidths?.ToArray();
        if (widths is not null && (widths.Length == 0 || widths.Any(w => w <= 0)))
            throw new ArgumentException(
                $"{owner}: 'ngrams' gives the widths ({string.Join(", ", widths)}); TensorFlow's ngrams need at least one width, each > 0.",
                nameof(ngrams));
        if (widths is not null && split is null)
            throw new ArgumentException(
                $"{owner}: 'ngrams' needs a split (\"whitespace\" or \"character\"): without one Keras would join whole texts of the batch " +
                "into ngrams.", nameof(ngrams));
        string mode = outputMode switch { "binary" => "multi_hot", "tf-idf" => "tf_idf", _ => outputMode };
        if (mode != "int" && outputSequenceLength is not null)
            throw new ArgumentException(
                $"{owner}: 'output_sequence_length' must not be set if output_mode is not \"int\", found \"{outputMode}\".",
                nameof(outputSequenceLength));
        if (outputSequenceLength is < 0)
            throw new ArgumentException($"{owner}: 'output_sequence_length' is {outputSequenceLength}; expected >= 0.", nameof(outputSequenceLength));
        if (ragged)
            throw new ArgumentException(
                $"{owner}: 'ragged' is true; Nabla has no ragged tensors (Keras allows it on TensorFlow only). Use the padded output.",
                nameof(ragged));
        if (mode == "one_hot" && split is not null)
            throw new ArgumentException(
                $"{owner}: output_mode \"one_hot\" with a split would give each token its own row; Nabla supports it with split null only.",
                nameof(outputMode));
        lookup = new StringLookup("TextVectorization", maxTokens, 1, "", "[UNK]", vocabulary, idfWeights, false, mode,
            padToMaxTokens, sparse, encoding, Name);
        Standardize = standardize;
        Split = split;
        NgramsArgument = (object?)ngrams ?? ngramWidths?.ToArray();
        this.ngramWidths = widths;
        OutputSequenceLength = outputSequenceLength;
    }

    public string Name { get; }
    public string? Standardize { get; }
    public string? Split { get; }

    /// <summary>The ngram widths in use (1..n for an integer <c>ngrams</c>); null without ngrams.</summary>
    public IReadOnlyList<int>? NgramWidths => ngramWidths;

    /// <summary>Keras's <c>ngrams</c> as given: an int, a list of widths, or null.</summary>
    private object? NgramsArgument { get; }

    public int? OutputSequenceLength { get; }
    public TokenOutputMode OutputMode => lookup.OutputMode;
    public int? MaxTokens => lookup.MaxTokens;
    public bool PadToMaxTokens => lookup.PadToMaxTokens;

    /// <summary>Keras's <c>vocabulary_size()</c>: padding and OOV indices included.</summary>
    public int VocabularySize => lookup.VocabularySize;

    /// <summary>Keras's <c>get_vocabulary()</c>: "" (in "int" mode) and "[UNK]", then the tokens by index.</summary>
    public IReadOnlyList<string> GetVocabulary(bool includeSpecialTokens = true) => [.. lookup.GetVocabulary(includeSpecialTokens).Select(t => t!)];

    /// <summary>Keras's <c>set_vocabulary</c>, optionally starting with "" and "[UNK]" in layout order.</summary>
    public void SetVocabulary(IReadOnlyList<string> vocabulary, IReadOnlyList<double>? idfWeights = null) =>
        lookup.SetVocabulary(vocabulary, idfWeights);

    /// <summary>A vocabulary file as Keras writes it (one token a line), e.g. an archive's assets/…/vocabulary.txt.</summary>
    public void LoadVocabulary(string path, IReadOnlyList<double>? idfWeights = null) => lookup.LoadVocabulary(path, idfWeights);

    /// <summary>Keras's <c>adapt</c> on a list of texts: each text is a document; its tokens (after standardize, split and
    /// ngrams) are counted, and the vocabulary is the most frequent, ties to the larger token.</summary>
    public void Adapt(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        lookup.Adapt(texts.Select(Tokenize));
    }

    /// <summary>Maps a batch of texts to a tensor: "int" gives [batch, length] indices (0 pads; length is
    /// output_sequence_length, or the batch's most tokens); the other modes [batch, slots]. Without a split each text is
    /// one token (length 1).</summary>
    public Tensor Call(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var rows = texts.Select((t, i) => t is null ? throw new ArgumentException($"TextVectorization '{Name}': text {i} is null.") : Tokenize(t)).ToList();
        if (OutputMode != TokenOutputMode.Int) return lookup.Call(rows);
        int length = OutputSequenceLength ?? (rows.Count == 0 ? 0 : rows.Max(r => r.Count));
        var flat = rows.SelectMany(r => r).ToList();
        var indices = lookup.Indices(flat, i => $"token {i} of the batch");
        var output = new float[rows.Count * length]; // 0: Keras's padding value
        int at = 0;
        for (int r = 0; r < rows.Count; r++)
        {
            for (int j = 0; j < Math.Min(length, rows[r].Count); j++) output[r * length + j] = indices[at + j];
            at += rows[r].Count;
        }
        return Tensor.FromArray(output, rows.Count, length);
    }

    /// <summary>The tokens of one text: standardized, split and combined into ngrams, as Keras's _preprocess.</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string standardized = StandardizeText(text, Standardize);
        List<string> tokens = Split switch
        {
            "whitespace" => [.. standardized.Split(AsciiWhitespace, StringSplitOptions.RemoveEmptyEntries)],
            "character" => [.. standardized.EnumerateRunes().Select(r => r.ToString())],
            _ => [standardized],
        };
        if (ngramWidths is null) return tokens;
        var grams = new List<string>();
        foreach (int width in ngramWidths)
            for (int start = 0; start + width <= tokens.Count; start++)
                grams.Add(string.Join(' ', tokens.Skip(start).Take(width)));
        return grams;
    }

    private static readonly char[] AsciiWhitespace = [' ', '\t', '\n', '\v', '\f', '\r'];

    /// <summary>Keras's standardize modes: ASCII lowercasing (tf.strings.lower's default) and the removal of the 32
    /// characters of Keras's strip regex.</summary>
    public static string StandardizeText(string text, string? standardize)
    {
        bool lower = standardize is "lower" or "lower_and_strip_punctuation";
        bool strip = standardize is "strip_punctuation" or "lower_and_strip_punctuation";
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (strip && Punctuation.Contains(c)) continue;
            builder.Append(lower && c is >= 'A' and <= 'Z' ? (char)(c + ('a' - 'A')) : c);
        }
        return builder.ToString();
    }
}
