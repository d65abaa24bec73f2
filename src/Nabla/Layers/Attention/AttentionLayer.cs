using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's attention layers share about their calls: they read (query, value) or (query, value, key) sequences and
/// their masks, never one tensor, and take two call options kept per call (<see cref="Node.Options"/>) or given to the
/// eager call: <c>use_causal_mask</c> (a query step sees only the key steps up to its own) and
/// <c>return_attention_scores</c> (the call also returns the attention weights of every query step over the key steps).
/// </summary>
public abstract class AttentionLayer : Layer
{
    private protected AttentionLayer(string? name) : base(name, null) { }

    private protected override bool ReadsInputMasks => true;

    internal override IReadOnlyList<string> CallOptionNames => [AttentionInputs.UseCausalMask, AttentionInputs.ReturnAttentionScores];

    /// <summary>Calls the layer on symbolic sequences, as Keras's <c>layer(query, value, key, use_causal_mask=...)</c>.</summary>
    public SymbolicTensor Apply(SymbolicTensor query, SymbolicTensor value, SymbolicTensor? key = null, bool useCausalMask = false) =>
        ApplyAll(TensorArguments(query, value, key, null), AttentionInputs.Options(useCausalMask, false))[0];

    /// <summary>Keras's <c>layer(query, value, key, return_attention_scores=True)</c>: the output and the attention
    /// weights of every query step over the key steps (see <see cref="ScoresShape"/>).</summary>
    public (SymbolicTensor Output, SymbolicTensor Scores) ApplyWithScores(SymbolicTensor query, SymbolicTensor value,
        SymbolicTensor? key = null, bool useCausalMask = false)
    {
        var made = ApplyAll(TensorArguments(query, value, key, null), AttentionInputs.Options(useCausalMask, true));
        return (made[0], made[1]);
    }

    /// <summary>A node's inputs: query, value, then the key (the value standing in when only a mask follows), then the
    /// attention mask where the layer takes one.</summary>
    private protected static T[] TensorArguments<T>(T query, T value, T? key, T? attentionMask) where T : class =>
        attentionMask is not null ? [query, value, key ?? value, attentionMask] : key is not null ? [query, value, key] : [query, value];

    public override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"Layer '{Name}' ({ClassName}) is called on (query, value) or (query, value, key); got one tensor.");

    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => Attend(inputs, training, causal: false).Output;

    /// <summary>The eager call with Keras's call options: (query, value) or (query, value, key), and the causal mask.</summary>
    public Tensor Call(Tensor query, Tensor value, Tensor? key, bool training, bool useCausalMask) =>
        Attend(TensorArguments(query, value, key, null), training, useCausalMask).Output;

    /// <summary>The eager call returning the attention weights too, as Keras's <c>return_attention_scores=True</c>.</summary>
    public (Tensor Output, Tensor Scores) CallWithScores(Tensor query, Tensor value, Tensor? key = null, bool training = false,
        bool useCausalMask = false) =>
        Attend(TensorArguments(query, value, key, null), training, useCausalMask);

    /// <summary>With <c>return_attention_scores</c> a call makes the output and the scores.</summary>
    protected internal override IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Config? options = null)
    {
        var output = BuildForInputs(inputShapes);
        if (!AttentionInputs.ReturnsScores(options)) return [output];
        return [output, ScoresShape(inputShapes[0], inputShapes.Count > 2 ? inputShapes[2] : inputShapes[1])];
    }

    internal override IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Config? options = null)
    {
        var (output, scores) = Attend(inputs, training, AttentionInputs.Causal(options));
        return FinishCall(inputs, AttentionInputs.ReturnsScores(options) ? [output, scores] : [output]);
    }

    /// <summary>The per-sample shape of the attention scores a call returns for this query and key.</summary>
    /// <param name="query">The query's per-sample shape.</param>
    /// <param name="key">The key's (the value's when there is no key).</param>
    private protected abstract int[] ScoresShape(int[] query, int[] key);

    /// <summary>The attention of one call on its inputs, with the causal mask when asked: the output, which carries the mask
    /// the layer gives it, and the attention scores Keras's layer returns.</summary>
    private protected abstract (Tensor Output, Tensor Scores) Attend(IReadOnlyList<Tensor> inputs, bool training, bool causal);
}
