using System.Text;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>StringLookup</c> (keras/src/layers/preprocessing/string_lookup.py over index_lookup.py), as an object that
/// maps strings to a <see cref="Tensor"/> outside the model, where Keras's own tutorials run it (in the tf.data
/// pipeline): Nabla's tensors are float32 and carry no strings, so it is not a <see cref="Layer"/>. The vocabulary is
/// laid out as IntegerLookup's (<see cref="VocabularyTable{T}"/>): the mask token at 0 when set and the output is "int",
/// <c>num_oov_indices</c> OOV indices (token "[UNK]"), then the tokens, given or learned by Adapt (by
/// count, ties to the larger token in UTF-8 byte order, as NumPy sorts Keras's bytes). Indices are carried as floats, as
/// Embedding reads them.
/// </summary>
/// <remarks>With several OOV indices an unknown string goes to the one TensorFlow's to_hash_bucket_fast picks (FarmHash
/// Fingerprint64 of its UTF-8 bytes modulo num_oov_indices, as Keras). Not supported, refused by name: a vocabulary
/// file path in the config (use <see cref="LoadVocabulary"/>), sparse outputs, an encoding other than UTF-8.</remarks>
public sealed partial class StringLookup
{
    private readonly VocabularyTable<string> table;

    /// <param name="maxTokens">Keras's <c>max_tokens</c>: the largest vocabulary, mask and OOV indices included.</param>
    /// <param name="numOovIndices">Keras's <c>num_oov_indices</c> (1); 0 refuses unknown strings; several are picked by FarmHash.</param>
    /// <param name="maskToken">Keras's <c>mask_token</c> (None).</param>
    /// <param name="oovToken">Keras's <c>oov_token</c> ("[UNK]").</param>
    /// <param name="outputMode">"int" (default), "one_hot", "multi_hot", "count" or "tf_idf".</param>
    public StringLookup(int? maxTokens = null, int numOovIndices = 1, string? maskToken = null, string? oovToken = "[UNK]",
        IReadOnlyList<string>? vocabulary = null, IReadOnlyList<double>? idfWeights = null, bool invert = false,
        string outputMode = "int", bool padToMaxTokens = false, bool sparse = false, string encoding = "utf-8", string? name = null)
        : this("StringLookup", maxTokens, numOovIndices, maskToken, oovToken, vocabulary, idfWeights, invert, outputMode,
            padToMaxTokens, sparse, encoding, name)
    {
    }

    /// <summary>Builds the lookup under <paramref name="className"/>'s name in messages (TextVectorization's inner one).</summary>
    internal StringLookup(string className, int? maxTokens, int numOovIndices, string? maskToken, string? oovToken,
        IReadOnlyList<string>? vocabulary, IReadOnlyList<double>? idfWeights, bool invert, string outputMode,
        bool padToMaxTokens, bool sparse, string encoding, string? name)
    {
        Name = name ?? "string_lookup";
        Owner = $"{className} '{Name}'";
        var mode = TokenOutputModes.Parse(Owner, outputMode, deprecatedNames: true,
            TokenOutputMode.Int, TokenOutputMode.OneHot, TokenOutputMode.MultiHot, TokenOutputMode.Count, TokenOutputMode.TfIdf);
        if (sparse)
            throw new ArgumentException($"{Owner}: 'sparse' is true; Nabla has no sparse tensors, only false is supported.");
        if (!IsUtf8(encoding))
            throw new ArgumentException($"{Owner}: 'encoding' is \"{encoding}\"; .NET strings are Unicode and Nabla reads \"utf-8\" only.");
        IndexLookupArguments.Check(Owner, mode, maxTokens, padToMaxTokens, numOovIndices, invert, oovToken is not null,
            idfWeights is not null, vocabulary is not null);
        if (4L * Math.Max(maxTokens ?? 0, 2) > WeightBudget.MaxBytes)
            throw new ArgumentException($"{Owner}: max_tokens {maxTokens} exceeds WeightBudget.MaxBytes of float32 output slots.");
        MaskToken = maskToken;
        OovToken = oovToken;
        table = new VocabularyTable<string>(Owner, mode, maxTokens, numOovIndices, maskToken is not null, maskToken ?? "",
            oovToken is not null, oovToken ?? "", invert, padToMaxTokens, Utf8Order.Instance, t => $"\"{t}\"", _ => null);
        if (vocabulary is not null) SetVocabulary(vocabulary, idfWeights);
    }

    public string Name { get; }

    /// <summary>The class and name as messages write them: <c>StringLookup 'string_lookup'</c>.</summary>
    internal string Owner { get; }

    public TokenOutputMode OutputMode => table.OutputMode;
    public int? MaxTokens => table.MaxTokens;
    public int NumOovIndices => table.NumOovIndices;
    public string? MaskToken { get; }
    public string? OovToken { get; }
    public bool Invert => table.Invert;
    public bool PadToMaxTokens => table.PadToMaxTokens;

    /// <summary>Whether the lookup has a vocabulary (given, adapted or loaded).</summary>
    public bool HasVocabulary => table.Tokens is not null;

    /// <summary>Keras's <c>vocabulary_size()</c>: mask and OOV indices included.</summary>
    public int VocabularySize => table.Size ?? throw NoVocabulary();

    /// <summary>The number of slots of an encoded output.</summary>
    public int Depth => table.Depth ?? throw NoVocabulary();

    private InvalidOperationException NoVocabulary() =>
        new($"{Owner} has no vocabulary: give 'vocabulary', call SetVocabulary or LoadVocabulary, or Adapt(data) first.");

    /// <summary>Keras's <c>get_vocabulary()</c>: the token of every index (mask, the OOV token per OOV index, then the
    /// tokens); with <paramref name="includeSpecialTokens"/> false, the tokens only.</summary>
    public IReadOnlyList<string?> GetVocabulary(bool includeSpecialTokens = true)
    {
        var tokens = table.Tokens ?? throw NoVocabulary();
        var special = table.SpecialTokens.Select(s => s.Has ? s.Value : null);
        return [.. (includeSpecialTokens ? special : []).Concat(tokens)];
    }

    /// <summary>Keras's <c>set_vocabulary</c>: the tokens, optionally after the special tokens in layout order, and for
    /// "tf_idf" one weight per entry (the OOV indices get their average unless the vocabulary starts with them).</summary>
    public void SetVocabulary(IReadOnlyList<string> vocabulary, IReadOnlyList<double>? idfWeights = null) =>
        table.SetVocabulary(vocabulary, idfWeights);

    /// <summary>Keras's vocabulary file: one token a line (UTF-8; "\r\n" or "\n"; a last empty line dropped).</summary>
    public void LoadVocabulary(string path, IReadOnlyList<double>? idfWeights = null) =>
        SetVocabulary(ReadVocabularyFile(path), idfWeights);

    internal static List<string> ReadVocabularyFile(string path)
    {
        var lines = File.ReadAllText(path, Encoding.UTF8).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>Keras's <c>adapt</c> on a batch of strings: each string is a token and a document.</summary>
    public void Adapt(IEnumerable<string> values) => table.Adapt(values.Select(v => new[] { v }));

    /// <summary>Keras's <c>adapt</c> on rows of strings: every string is a token, each row a document (for tf_idf).</summary>
    public void Adapt(IEnumerable<IEnumerable<string>> rows) => table.Adapt(rows);

    /// <summary>Looks up a batch of strings: "int" gives shape [n], "one_hot" [n, depth]; the per-sample encodings need
    /// rows (<see cref="Call(IReadOnlyList{IReadOnlyList{string}})"/>).</summary>
    public Tensor Call(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var indices = Indices(values, i => $"value {i}");
        return Output(indices, values.Count, [values.Count], [], rectangular: true);
    }

    /// <summary>Looks up rows of strings: "int" gives [rows, n] (rows of one length), "one_hot" [rows, n, depth] (or
    /// [rows, depth] for n = 1), "multi_hot", "count" and "tf_idf" one row of depth slots per row (rows may differ in
    /// length).</summary>
    public Tensor Call(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int n = rows.Count == 0 ? 0 : rows[0].Count;
        bool rectangular = rows.All(r => r.Count == n);
        var flat = rows.SelectMany(r => r).ToList();
        var starts = new int[rows.Count + 1];
        for (int r = 0; r < rows.Count; r++) starts[r + 1] = starts[r] + rows[r].Count;
        var indices = Indices(flat, i => { int r = Array.FindLastIndex(starts, s => s <= i); return $"row {r}, position {i - starts[r]}"; });
        return Output(indices, rows.Count, [rows.Count, n], starts, rectangular);
    }

    /// <summary>Keras's <c>invert=True</c> lookup: each index of <paramref name="indices"/> becomes its token (the mask
    /// token at 0 when there is one, the OOV token for OOV and unknown indices), in row-major order.</summary>
    public string[] Call(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (!Invert) throw new InvalidOperationException($"{Owner} maps strings to indices; construct it with invert: true to map indices back.");
        if (!HasVocabulary) throw NoVocabulary();
        var values = indices.Data;
        var tokens = new string[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (v != MathF.Floor(v) || !float.IsFinite(v))
                throw new ArgumentException($"{Owner}: the value at position {i} is {v}, not an integer index.");
            tokens[i] = table.TokenAt((int)Math.Clamp(v, int.MinValue, int.MaxValue));
        }
        return tokens;
    }

    /// <summary>The index of each string (<see cref="TokenEncoding.Dropped"/> for a mask token in an encoded output).</summary>
    internal int[] Indices(IReadOnlyList<string> values, Func<int, string> where)
    {
        if (Invert) throw new InvalidOperationException($"{Owner} inverts: it maps indices (a Tensor) back to strings.");
        if (!HasVocabulary) throw NoVocabulary();
        var indices = new int[values.Count];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = table.IndexOf(values[i] ?? throw new ArgumentException($"{Owner}: {where(i)} is null."), FarmHash.Bucket);
            if (indices[i] == VocabularyTable<string>.NotFound)
                throw new ArgumentException(
                    $"{Owner}: {where(i)} is \"{values[i]}\", which is not in the vocabulary, and num_oov_indices is 0 (set it to 1 " +
                    "to map unknown strings).");
        }
        return indices;
    }

    /// <summary>The output of the indices of a batch: in "int" mode the indices in <paramref name="shape"/>; one_hot per
    /// index; the per-sample modes per row (<paramref name="starts"/> of each row in the flat indices).</summary>
    internal Tensor Output(int[] indices, int rows, int[] shape, int[] starts, bool rectangular)
    {
        if (OutputMode == TokenOutputMode.Int || OutputMode == TokenOutputMode.OneHot)
        {
            if (!rectangular)
                throw new ArgumentException($"{Owner}: output_mode \"{OutputMode.KerasName()}\" needs rows of one length.");
            if (OutputMode == TokenOutputMode.Int) return Tensor.FromArray([.. indices.Select(i => (float)i)], shape);
        }
        int depth = Depth;
        var perSample = TokenEncoding.OutputShape(OutputMode, shape[1..], depth, Owner);
        var output = new float[rows * perSample.Aggregate(1, (a, b) => a * b)];
        if (OutputMode == TokenOutputMode.OneHot)
            TokenEncoding.Encode(OutputMode, indices, indices.Length, depth, table.Idf, output);
        else
            for (int r = 0; r < rows; r++)
                TokenEncoding.Encode(OutputMode, indices.AsSpan(starts[r], starts[r + 1] - starts[r]), 1, depth, table.Idf,
                    output.AsSpan(r * depth, depth));
        return Tensor.FromArray(output, [rows, .. perSample]);
    }

    private static bool IsUtf8(string encoding) => encoding.Replace("-", "").Replace("_", "").ToLowerInvariant() == "utf8";

    /// <summary>Strings in the order NumPy sorts Keras's UTF-8 bytes: byte-wise, which is code point order (unlike .NET's
    /// ordinal UTF-16 order for characters beyond the surrogates).</summary>
    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(string? x, string? y) =>
            Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
    }
}
