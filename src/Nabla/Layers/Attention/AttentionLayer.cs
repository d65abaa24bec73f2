using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// What Keras's attention layers share about their calls: they read (query, value) or (query, value, key) sequences and
/// their masks, never one tensor, and take the call option <c>use_causal_mask</c> (a query step sees only the key steps up
/// to its own), as a keyword kept per call (<see cref="Node.Options"/>) or as an argument of the eager call.
/// </summary>
public abstract class AttentionLayer : Layer
{
    private protected AttentionLayer(string? name) : base(name, null) { }

    private protected override bool ReadsInputMasks => true;

    internal override IReadOnlyList<string> CallOptionNames => [AttentionInputs.UseCausalMask];

    /// <summary>Calls the layer on symbolic sequences, as Keras's <c>layer(query, value, key, use_causal_mask=...)</c>.</summary>
    public SymbolicTensor Apply(SymbolicTensor query, SymbolicTensor value, SymbolicTensor? key = null, bool useCausalMask = false) =>
        ApplyAll(key is null ? [query, value] : [query, value, key],
            useCausalMask ? new Config { [AttentionInputs.UseCausalMask] = true } : [])[0];

    public override Tensor Call(Tensor inputs, bool training) =>
        throw new ArgumentException($"Layer '{Name}' ({ClassName}) is called on (query, value) or (query, value, key); got one tensor.");

    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => Attend(inputs, training, causal: false);

    /// <summary>The eager call with Keras's call options: (query, value) or (query, value, key), and the causal mask.</summary>
    public Tensor Call(Tensor query, Tensor value, Tensor? key, bool training, bool useCausalMask) =>
        Attend(key is null ? [query, value] : [query, value, key], training, useCausalMask);

    internal override IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Config? options = null) =>
        FinishCall(inputs, [Attend(inputs, training, AttentionInputs.Causal(options))]);

    /// <summary>The attention of one call on (query, value[, key]), with the causal mask when asked; the output carries the
    /// mask the layer gives it.</summary>
    private protected abstract Tensor Attend(IReadOnlyList<Tensor> inputs, bool training, bool causal);
}
