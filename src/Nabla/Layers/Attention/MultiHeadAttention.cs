using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>MultiHeadAttention</c> (Vaswani et al., 2017) on sequences [batch, steps, features], called on
/// (query, value) or (query, value, key): each head projects the query and key to <c>key_dim</c> values and the value
/// to <c>value_dim</c>, weighs the values by softmax(q·kᵀ / sqrt(key_dim)) over the key steps, and one output projection
/// joins the heads back to the query's width. Weights as Keras 3 names and shapes them
/// (keras/src/layers/attention/multi_head_attention.py): query, key and value kernels [features, heads, dim] with
/// biases [heads, dim], then attention_output kernel [heads, value_dim, query features] and bias.
/// A timestep mask on the query or the value (and key) leaves masked keys out of the softmax, as Keras's
/// attention mask; the output carries the query's mask. An <c>attention_mask</c> tensor [batch, query steps, key steps]
/// (nonzero: the pair is attended) narrows that further, and the call option <c>use_causal_mask</c> lets each query step
/// see only the key steps up to its own (a decoder's self-attention); all are ANDed, as in Keras. With
/// <c>return_attention_scores</c> a call also returns the softmax weights [batch, heads, query steps, key steps], before
/// the dropout on them, as Keras's. Inputs of higher rank [batch, d1..dn, features] attend over the <c>attention_axes</c>
/// (by default all of d1..dn jointly), the other axes acting as batch axes (see <see cref="AttentionAxes"/>).
/// </summary>
public sealed class MultiHeadAttention : AttentionLayer
{
    private static readonly Activations.Activation SoftmaxRows = Activations.Activation.Get("softmax");
    private readonly RandomGenerator? seeded;
    private Tensor? queryKernel, queryBias, keyKernel, keyBias, valueKernel, valueBias, outputKernel, outputBias;
    private int[][]? builtShapes;
    private readonly int[]? givenAxes;
    private AttentionAxes? axes;

    /// <param name="outputFeatures">Keras's <c>output_shape</c>: the width the output projection makes; null (Keras's None)
    /// for the query's width.</param>
    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, int? seed = null, string? name = null,
        int? outputFeatures = null, IReadOnlyList<int>? attentionAxes = null)
        : base(name)
    {
        string what = $"MultiHeadAttention '{Name}'";
        if (outputFeatures is < 1)
            throw new ArgumentException($"{what}: 'output_shape' must be at least 1, found {outputFeatures}.", nameof(outputFeatures));
        OutputFeatures = outputFeatures;
        if (numHeads < 1) throw new ArgumentException($"{what}: 'num_heads' must be at least 1, found {numHeads}.", nameof(numHeads));
        if (keyDim < 1) throw new ArgumentException($"{what}: 'key_dim' must be at least 1, found {keyDim}.", nameof(keyDim));
        if (valueDim is < 1) throw new ArgumentException($"{what}: 'value_dim' must be at least 1, found {valueDim}.", nameof(valueDim));
        NumHeads = numHeads;
        KeyDim = keyDim;
        ValueDim = valueDim ?? keyDim;
        Dropout = Layers.Dropout.CheckRate(dropout, "MultiHeadAttention");
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? Initializer.Get("glorot_uniform");
        BiasInitializer = biasInitializer ?? Initializer.Get("zeros");
        Seed = seed;
        if (seed is int s) seeded = new RandomGenerator(s);
        givenAxes = attentionAxes?.ToArray();
    }

    public override string ClassName => "MultiHeadAttention";

    public int NumHeads { get; }

    public int KeyDim { get; }

    /// <summary>The per-head width of the projected values; Keras's default is <see cref="KeyDim"/>.</summary>
    public int ValueDim { get; }

    /// <summary>Keras's <c>output_shape</c>: the output's width, or null for the query's.</summary>
    public int? OutputFeatures { get; }

    /// <summary>The dropout rate on the attention weights, in training.</summary>
    public double Dropout { get; }

    public bool UseBias { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    /// <summary>Keras's <c>kernel_constraint</c>, on the four kernels, applied after every optimizer step; null for none.</summary>
    public Constraints.Constraint? KernelConstraint { get; init; }

    /// <summary>Keras's <c>bias_constraint</c>, on the four biases; null for none.</summary>
    public Constraints.Constraint? BiasConstraint { get; init; }

    /// <summary>Keras's <c>kernel_regularizer</c>, on each of the four projection kernels; null for none.</summary>
    public Regularizers.Regularizer? KernelRegularizer { get; init; }

    /// <summary>Keras's <c>bias_regularizer</c>, on each of the four projection biases; null for none.</summary>
    public Regularizers.Regularizer? BiasRegularizer { get; init; }

    public int? Seed { get; }

    /// <summary>The four projections' kernels and biases (null without <see cref="UseBias"/>), for the ONNX export.</summary>
    internal (Tensor QueryKernel, Tensor? QueryBias, Tensor KeyKernel, Tensor? KeyBias, Tensor ValueKernel, Tensor? ValueBias,
        Tensor OutputKernel, Tensor? OutputBias) Projections =>
        (queryKernel!, queryBias, keyKernel!, keyBias, valueKernel!, valueBias, outputKernel!, outputBias);

    /// <summary>Keras's <c>attention_axes</c>: the axes attention runs over, counted with the batch as 0. Before the layer is
    /// built, as given (null: every axis between the batch and the features); after, normalized, as Keras writes them.</summary>
    public IReadOnlyList<int>? AttentionAxes => axes?.Attended ?? givenAxes;


    /// <summary>Calls the layer on symbolic sequences with an attention mask [batch, query steps, key steps], as Keras's
    /// <c>layer(query, value, key, attention_mask=mask)</c>.</summary>
    public SymbolicTensor Apply(SymbolicTensor query, SymbolicTensor value, SymbolicTensor? key = null, bool useCausalMask = false,
        SymbolicTensor? attentionMask = null) =>
        ApplyAll(TensorArguments(query, value, key, attentionMask), AttentionInputs.Options(useCausalMask, false))[0];

    /// <summary><see cref="Apply(SymbolicTensor, SymbolicTensor, SymbolicTensor?, bool, SymbolicTensor?)"/> returning the
    /// attention scores too, as Keras's <c>return_attention_scores=True</c>.</summary>
    public (SymbolicTensor Output, SymbolicTensor Scores) ApplyWithScores(SymbolicTensor query, SymbolicTensor value,
        SymbolicTensor? key = null, bool useCausalMask = false, SymbolicTensor? attentionMask = null)
    {
        var made = ApplyAll(TensorArguments(query, value, key, attentionMask), AttentionInputs.Options(useCausalMask, true));
        return (made[0], made[1]);
    }

    /// <summary>The eager call with an attention mask [batch, query steps, key steps] (nonzero: attended), returning the
    /// output and the attention scores.</summary>
    public (Tensor Output, Tensor Scores) CallWithScores(Tensor query, Tensor value, Tensor? key, Tensor? attentionMask,
        bool training = false, bool useCausalMask = false) =>
        Attend(TensorArguments(query, value, key, attentionMask), training, useCausalMask);

    /// <summary>Keras calls it as <c>layer(query, value, key=None, ..., attention_mask=None, ...)</c>.</summary>
    internal override IReadOnlyList<string> TensorArgumentNames => ["query", "value", "key", "attention_mask"];

    internal override int PositionalTensorArguments => 3;

    /// <summary>A key left out is the value.</summary>
    internal override int TensorArgumentStandIn(int index) => index == 2 ? 1 : -1;

    /// <summary>Keras 3 keeps the weights in its four EinsumDense sublayers.</summary>
    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups =>
        [("_query_dense", UseBias ? 2 : 1), ("_key_dense", UseBias ? 2 : 1), ("_value_dense", UseBias ? 2 : 1), ("_output_dense", UseBias ? 2 : 1)];

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> shapes)
    {
        var layout = axes ?? new AttentionAxes(givenAxes, shapes[0].Length + 1, $"MultiHeadAttention '{Name}'");
        layout.Validate(this, shapes);
        if (AttentionInputs.AlreadyBuilt(this, shapes, ref builtShapes)) return OutputShape!;
        axes = layout;
        var (query, value) = (shapes[0], shapes[1]);
        var key = shapes.Count >= 3 ? shapes[2] : value;
        Build(query);
        // Keras gives every projection (its EinsumDense sublayers) the layer's initializers, regularizers and constraints.
        queryKernel = AddKernel("query/kernel", [query[^1], NumHeads, KeyDim], KernelInitializer, KernelRegularizer);
        if (UseBias) queryBias = AddWeight("query/bias", [NumHeads, KeyDim], BiasInitializer, regularizer: BiasRegularizer);
        keyKernel = AddKernel("key/kernel", [key[^1], NumHeads, KeyDim], KernelInitializer, KernelRegularizer);
        if (UseBias) keyBias = AddWeight("key/bias", [NumHeads, KeyDim], BiasInitializer, regularizer: BiasRegularizer);
        valueKernel = AddKernel("value/kernel", [value[^1], NumHeads, ValueDim], KernelInitializer, KernelRegularizer);
        if (UseBias) valueBias = AddWeight("value/bias", [NumHeads, ValueDim], BiasInitializer, regularizer: BiasRegularizer);
        int outputWidth = OutputFeatures ?? query[^1];
        outputKernel = AddKernel("attention_output/kernel", [NumHeads, ValueDim, outputWidth], KernelInitializer, KernelRegularizer);
        if (UseBias) outputBias = AddWeight("attention_output/bias", [outputWidth], BiasInitializer, regularizer: BiasRegularizer);
        foreach (var kernel in new[] { queryKernel, keyKernel, valueKernel, outputKernel }) Constrain(kernel, KernelConstraint);
        foreach (var bias in new[] { queryBias, keyBias, valueBias, outputBias }) if (bias is not null) Constrain(bias, BiasConstraint);
        return OutputShape!;
    }

    /// <summary>The query's shape, with its width unless <see cref="OutputFeatures"/> sets another.</summary>
    public override int[] ComputeOutputShape(int[] inputShape) =>
        OutputFeatures is int width ? [.. inputShape[..^1], width] : inputShape;

    /// <summary>Keras's scores are per head: [batch, heads, query steps, key steps] on sequences, and on higher ranks
    /// [batch, other axes..., heads, query's attended axes..., key's attended axes...].</summary>
    private protected override int[] ScoresShape(int[] query, int[] key) => axes!.ScoresShape(query, key, NumHeads);

    private protected override (Tensor Output, Tensor Scores) Attend(IReadOnlyList<Tensor> inputs, bool training, bool causal)
    {
        BuildForInputs(inputs.Select(t => t.Shape[1..]).ToArray());
        var (query, value) = (inputs[0], inputs[1]);
        var key = inputs.Count >= 3 ? inputs[2] : value;
        if (!axes!.IsSequence) RefuseSequenceMasks(query, value, key, causal);
        // Attention over several axes, or over some axes of many, is attention over sequences of their positions.
        var foldedQuery = axes.Fold(query);
        var foldedValue = axes.Fold(value);
        var foldedKey = ReferenceEquals(key, value) ? foldedValue : axes.Fold(key);
        int batch = foldedQuery.Shape[0], queries = foldedQuery.Shape[1], keys = foldedKey.Shape[1];
        var given = inputs.Count == 4 ? axes.FoldMask(inputs[3], batch, queries, keys) : null;
        // Heads become batch entries of the products: [batch·heads, steps, dim].
        var q = Heads(Project(foldedQuery, queryKernel!, queryBias, KeyDim), batch, queries, KeyDim);
        var k = Heads(Project(foldedKey, keyKernel!, keyBias, KeyDim), batch, keys, KeyDim);
        var v = Heads(Project(foldedValue, valueKernel!, valueBias, ValueDim), batch, keys, ValueDim);
        q = Tensor.Multiply(q, Tensor.Scalar((float)(1 / Math.Sqrt(KeyDim))));
        var scores = Tensor.BatchMatMul(q, Tensor.Transpose(k, 0, 2, 1));
        if (AttentionMask(foldedQuery, foldedValue, foldedKey, given, batch, queries, keys, causal) is { } adder) scores = Tensor.Add(scores, adder);
        var weights = SoftmaxRows.Apply(scores);
        var attentionScores = axes.UnfoldScores(weights, query, key, NumHeads);
        if (training && Dropout > 0) weights = Op.Record(new DropoutOp(weights, (float)Dropout, seeded));
        var context = Tensor.BatchMatMul(weights, v); // [batch·heads, queries, value_dim]
        var joined = Tensor.Reshape(Tensor.Transpose(Tensor.Reshape(context, batch, NumHeads, queries, ValueDim), 0, 2, 1, 3),
            batch * queries, NumHeads * ValueDim);
        var output = Tensor.MatMul(joined, Tensor.Reshape(outputKernel!, NumHeads * ValueDim, outputKernel!.Shape[2]));
        if (outputBias is not null) output = Tensor.Add(output, outputBias);
        output = axes.Unfold(Tensor.Reshape(output, batch, queries, outputKernel.Shape[2]), query, outputKernel.Shape[2]);
        output.KerasMask = query.KerasMask;
        return (output, attentionScores);
    }

    /// <summary>Keras's timestep masks and causal mask are over the first axis of sequences: its masks [batch, steps] and its
    /// causal mask (1, query steps, key steps) do not describe attention over other axes, so they are refused there.</summary>
    private void RefuseSequenceMasks(Tensor query, Tensor value, Tensor key, bool causal)
    {
        string what = $"MultiHeadAttention '{Name}' on inputs of rank {axes!.Rank} (attention axes {string.Join(", ", axes.Attended)})";
        if (causal) throw new ArgumentException($"{what}: use_causal_mask needs sequences [batch, steps, features].");
        if (query.KerasMask is not null || value.KerasMask is not null || key.KerasMask is not null)
            throw new ArgumentException($"{what}: a timestep mask on the inputs needs sequences [batch, steps, features]; " +
                "pass an attention_mask instead.");
    }

    /// <summary>x [batch, steps, features] times a kernel [features, heads, dim] (Keras's einsum "abc,cde->abde") plus the bias [heads, dim].</summary>
    private static Tensor Project(Tensor x, Tensor kernel, Tensor? bias, int dim)
    {
        int batch = x.Shape[0], steps = x.Shape[1], features = x.Shape[2], width = kernel.Shape[1] * dim;
        var projected = Tensor.MatMul(Tensor.Reshape(x, batch * steps, features), Tensor.Reshape(kernel, features, width));
        if (bias is not null) projected = Tensor.Add(projected, Tensor.Reshape(bias, width));
        return projected;
    }

    /// <summary>[batch·steps, heads·dim] as [batch·heads, steps, dim].</summary>
    private Tensor Heads(Tensor projected, int batch, int steps, int dim) =>
        Tensor.Reshape(Tensor.Transpose(Tensor.Reshape(projected, batch, steps, NumHeads, dim), 0, 2, 1, 3), batch * NumHeads, steps, dim);

    /// <summary>Keras's attention mask from the inputs' timestep masks, the given attention mask (nonzero: attended) and the
    /// causal mask, ANDed, as the softmax's additive −1e9 where a (query, key) pair is masked
    /// (keras/src/layers/activations/softmax.py); null when nothing is masked.</summary>
    private Tensor? AttentionMask(Tensor query, Tensor value, Tensor key, Tensor? given, int batch, int queries, int keys, bool causal)
    {
        // Keras ANDs the value's and the key's masks over the key steps.
        var keyMask = ReferenceEquals(key, value) || key.KerasMask is null ? value.KerasMask
            : value.KerasMask is null ? key.KerasMask : Tensor.Multiply(value.KerasMask, key.KerasMask);
        var pairs = query.KerasMask is null && keyMask is null ? null
            : query.KerasMask is null ? Tensor.Reshape(keyMask!, batch, 1, keys)
            : keyMask is null ? Tensor.Reshape(query.KerasMask, batch, queries, 1)
            : Tensor.Multiply(Tensor.Reshape(query.KerasMask, batch, queries, 1), Tensor.Reshape(keyMask, batch, 1, keys));
        if (given is not null)
        {
            var attended = Tensor.NotEqual(given, Tensor.Scalar(0f));
            pairs = pairs is null ? attended : Tensor.Multiply(pairs, attended);
        }
        if (AttentionInputs.WithCausal(pairs, causal, queries, keys) is not { } kept) return null;
        // [batch or 1, 1, queries or 1, keys or 1] broadcasts over the batch and the heads, which fold into one axis.
        var adder = AttentionInputs.PaddingAdder(kept);
        var perHead = Tensor.Add(Tensor.Reshape(adder, adder.Shape[0], 1, adder.Shape[1], adder.Shape[2]), new Tensor(batch, NumHeads, queries, keys));
        return Tensor.Reshape(perHead, batch * NumHeads, queries, keys);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["num_heads"] = (long)NumHeads;
        config["key_dim"] = (long)KeyDim;
        config["value_dim"] = (long)ValueDim;
        config["dropout"] = Dropout;
        config["use_bias"] = UseBias;
        config["output_shape"] = OutputFeatures is int width ? new List<object?> { (long)width } : null;
        config["attention_axes"] = AttentionAxes?.Select(axis => (object?)(long)axis).ToList();
        config["kernel_initializer"] = Registry<Initializer>.Serialize(KernelInitializer);
        config["bias_initializer"] = Registry<Initializer>.Serialize(BiasInitializer);
        config["kernel_regularizer"] = Regularizers.Regularizer.SerializeOrNull(KernelRegularizer);
        config["bias_regularizer"] = Regularizers.Regularizer.SerializeOrNull(BiasRegularizer);
        config["activity_regularizer"] = ActivityRegularizerConfig;
        config["kernel_constraint"] = Constraints.Constraint.SerializeOrNull(KernelConstraint);
        config["bias_constraint"] = Constraints.Constraint.SerializeOrNull(BiasConstraint);
        config["seed"] = Seed is int s ? (long)s : null;
        return config;
    }

    /// <summary>Keras's output_shape: an int or a one-element list (Keras keeps it as a tuple); more axes are refused.</summary>
    private static int? OutputFeaturesOf(Config config)
    {
        if (!config.TryGet("output_shape", out var value)) return null;
        return (value is List<object?> { Count: 1 } one ? one[0] : value) switch
        {
            long width when width is >= 1 and <= int.MaxValue => (int)width,
            double width when width >= 1 && width == Math.Floor(width) && width <= int.MaxValue => (int)width,
            _ => throw new ArgumentException($"MultiHeadAttention '{config.GetString("name", null) ?? "?"}' config 'output_shape' is " +
                $"{Config.Describe(value)}; expected a positive int or a one-element list (Nabla implements one output axis)."),
        };
    }

    /// <summary>Keras's attention_axes: null, an int, or a list of ints (Keras writes the normalized tuple once built).</summary>
    private static int[]? AttentionAxesOf(Config config)
    {
        if (!config.TryGet("attention_axes", out var value)) return null;
        if (value is long or double) return [config.GetInt("attention_axes")];
        if (value is List<object?> list && list.All(item => item is long or double)) return config.GetIntArray("attention_axes");
        throw new ArgumentException($"MultiHeadAttention '{config.GetString("name", null) ?? "?"}' config 'attention_axes' is " +
            $"{Config.Describe(value)}; expected null, an int or a list of ints.");
    }

    public static MultiHeadAttention FromConfig(Config config)
    {
        // flash_attention chooses a fused kernel on accelerators, not the math: it is read as the attention it computes.
        // Without effect: tf.keras 2.10+ writes the query/key/value shapes it was built on (Nabla builds on the inputs it
        // is called on and checks them).
        config.MarkWithoutEffect("flash_attention", "query_shape", "key_shape", "value_shape");
        var (name, _) = BaseArgs(config);
        // Keras copies each initializer through its class's from_config, which a None one does not have.
        RefuseNull(config, "MultiHeadAttention", "dropout", "kernel_initializer", "bias_initializer");
        return new MultiHeadAttention(config.GetInt("num_heads"), config.GetInt("key_dim"),
            config.TryGet("value_dim", out _) ? config.GetInt("value_dim") : null, config.GetDouble("dropout", 0), config.GetTruthy("use_bias", true),
            Initializer.Registry.Deserialize(config.GetValueOr("kernel_initializer", "glorot_uniform")),
            Initializer.Registry.Deserialize(config.GetValueOr("bias_initializer", "zeros")),
            config.TryGet("seed", out _) ? config.GetInt("seed") : null, name, OutputFeaturesOf(config), AttentionAxesOf(config))
        {
            KernelConstraint = Constraints.Constraint.Read(config, "kernel_constraint"),
            BiasConstraint = Constraints.Constraint.Read(config, "bias_constraint"),
            KernelRegularizer = Regularizers.Regularizer.Read(config, "kernel_regularizer"),
            BiasRegularizer = Regularizers.Regularizer.Read(config, "bias_regularizer"),
        };
    }
}
