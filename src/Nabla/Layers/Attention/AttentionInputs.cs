namespace Nabla.Layers;

/// <summary>What the attention layers share about their inputs: (query, value) or (query, value, key) sequences, the
/// shapes a layer was built for, and Keras's additive padding mask.</summary>
internal static class AttentionInputs
{
    /// <summary>Checks the per-sample shapes of a call: two or three sequences [steps, features], the key's steps those
    /// of the value, then, for a layer that takes one, an attention mask [query steps, key steps].</summary>
    public static void Validate(Layer layer, IReadOnlyList<int[]> shapes, bool takesAttentionMask = false)
    {
        string what = $"Layer '{layer.Name}' ({layer.ClassName})";
        int sequences = Math.Min(shapes.Count, 3);
        if (shapes.Count is not (2 or 3) && !(takesAttentionMask && shapes.Count == 4))
            throw new ArgumentException($"{what} is called on (query, value) or (query, value, key)" +
                $"{(takesAttentionMask ? ", and an attention mask" : "")}; got {shapes.Count} inputs.");
        if (shapes.Take(sequences).Any(s => s.Length != 2))
            throw new ArgumentException(
                $"{what} takes sequences [batch, steps, features]; got per-sample shapes {string.Join(", ", shapes.Take(sequences).Select(Layer.Describe))}.");
        var key = shapes.Count >= 3 ? shapes[2] : shapes[1];
        if (key[0] != shapes[1][0])
            throw new ArgumentException($"{what}: the key has {key[0]} steps and the value {shapes[1][0]}; each key step goes with a value step.");
        if (shapes.Count == 4 && !Tensor.SameShape(shapes[3], [shapes[0][0], key[0]]))
            throw new ArgumentException($"{what}: the attention mask must be (batch, query steps, key steps) = " +
                $"{Layer.Describe([shapes[0][0], key[0]])}; found {Layer.Describe(shapes[3])}.");
    }

    /// <summary>Keras's <c>return_attention_scores</c> call option, by its name in configs.</summary>
    public const string ReturnAttentionScores = "return_attention_scores";

    /// <summary>Whether a call's options ask for the attention scores too.</summary>
    public static bool ReturnsScores(Configuration.Config? options) => options?.GetBool(ReturnAttentionScores, false) ?? false;

    /// <summary>A call's options, holding only those that differ from Keras's defaults.</summary>
    public static Configuration.Config Options(bool useCausalMask, bool returnAttentionScores)
    {
        var options = new Configuration.Config();
        if (useCausalMask) options[UseCausalMask] = true;
        if (returnAttentionScores) options[ReturnAttentionScores] = true;
        return options;
    }

    /// <summary>True when the layer was built already for the query, value and key of these shapes (it throws for others; a
    /// missing key is the value, an attention mask does not count); otherwise <paramref name="built"/> takes them and the
    /// caller builds.</summary>
    public static bool AlreadyBuilt(Layer layer, IReadOnlyList<int[]> inputShapes, ref int[][]? built)
    {
        int[][] shapes = [inputShapes[0], inputShapes[1], inputShapes.Count > 2 ? inputShapes[2] : inputShapes[1]];
        if (built is null)
        {
            built = shapes.Select(s => (int[])s.Clone()).ToArray();
            return false;
        }
        var builtShapes = built;
        if (shapes.Length != builtShapes.Length || !shapes.Select((s, i) => Tensor.SameShape(s, builtShapes[i])).All(b => b))
            throw new ArgumentException(
                $"Layer '{layer.Name}' ({layer.ClassName}) was built for inputs {string.Join(", ", builtShapes.Select(Layer.Describe))} but receives {string.Join(", ", shapes.Select(Layer.Describe))}.");
        return true;
    }

    /// <summary>Keras's <c>use_causal_mask</c> call option, by its name in configs.</summary>
    public const string UseCausalMask = "use_causal_mask";

    /// <summary>Whether a call's options ask for the causal mask.</summary>
    public static bool Causal(Configuration.Config? options) => options?.GetBool(UseCausalMask, false) ?? false;

    /// <summary>Keras's causal mask, [1, queries, keys]: query step i sees key steps j ≤ i (keras/src/layers/attention:
    /// the row index, counted from 1, at least the column index), so that no step attends to a later one.</summary>
    public static Tensor CausalKept(int queries, int keys)
    {
        var kept = new Tensor(1, queries, keys);
        for (int i = 0; i < queries; i++)
            kept.Data.AsSpan(i * keys, Math.Min(i + 1, keys)).Fill(1f);
        return kept;
    }

    /// <summary>The pairs a padding mask keeps (null: all), narrowed to the causal ones when asked.</summary>
    public static Tensor? WithCausal(Tensor? kept, bool causal, int queries, int keys) =>
        !causal ? kept : kept is null ? CausalKept(queries, keys) : Tensor.Multiply(kept, CausalKept(queries, keys));

    /// <summary>Keras's additive mask for a softmax over the keys: 0 where <paramref name="kept"/> is 1, −1e9 where it is 0
    /// (keras/src/layers/activations/softmax.py; attention.py subtracts the same 1e9).</summary>
    public static Tensor PaddingAdder(Tensor kept) => Tensor.Multiply(Tensor.Subtract(kept, Tensor.Scalar(1f)), Tensor.Scalar(1e9f));
}
