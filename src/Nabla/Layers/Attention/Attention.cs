using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;

namespace Nabla.Layers;

/// <summary>
/// Keras's dot-product attention layer, <c>Attention</c> (Luong-style), called on (query, value) or (query, value, key)
/// sequences: scores between each query step and each key step, softmax over the key steps, and the output is the
/// value steps weighed by it ([batch, query steps, value features]). Scores: q·kᵀ ("dot", times a trainable scale with
/// <c>use_scale</c>) or Σ tanh(scale·(q + k)) ("concat", times a trainable weight)
/// (keras/src/layers/attention/attention.py). A timestep mask on the value leaves those steps out of the softmax (Keras
/// subtracts 1e9 from their scores); one on the query zeroes those output steps and passes on.
/// </summary>
public class Attention : AttentionLayer
{
    private static readonly Activations.Activation SoftmaxRows = Activations.Activation.Get("softmax");
    private static readonly Activations.Activation Tanh = Activations.Activation.Get("tanh");
    private readonly RandomGenerator? seeded;
    private int[][]? builtShapes;

    public Attention(bool useScale = false, string scoreMode = "dot", double dropout = 0, int? seed = null, string? name = null)
        : base(name)
    {
        if (scoreMode is not ("dot" or "concat"))
            throw new ArgumentException($"{ClassName} '{Name}': 'score_mode' must be \"dot\" or \"concat\", found \"{scoreMode}\".", nameof(scoreMode));
        UseScale = useScale;
        ScoreMode = scoreMode;
        Dropout = Layers.Dropout.CheckRate(dropout, ClassName);
        Seed = seed;
        if (seed is int s) seeded = new RandomGenerator(s);
    }

    public override string ClassName => "Attention";

    public bool UseScale { get; }

    /// <summary>"dot" or "concat".</summary>
    public string ScoreMode { get; }

    /// <summary>The dropout rate on the attention weights, in training.</summary>
    public double Dropout { get; }

    public int? Seed { get; }

    /// <summary>The trainable scale (with <see cref="UseScale"/>), or null: a scalar here, one per feature in
    /// <see cref="AdditiveAttention"/>.</summary>
    public Tensor? Scale { get; private protected set; }

    /// <summary>"concat"'s trainable weight on the summed scores, or null.</summary>
    public Tensor? ConcatScoreWeight { get; private set; }

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> shapes)
    {
        AttentionInputs.Validate(this, shapes);
        var (query, value) = (shapes[0], shapes[1]);
        var key = shapes.Count == 3 ? shapes[2] : value;
        if (query[1] != key[1])
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}): the query and the key need the same features; got query {Describe(query)} and key {Describe(key)}.");
        if (AttentionInputs.AlreadyBuilt(this, shapes, ref builtShapes)) return OutputShape!;
        Build([query[0], value[1]]);
        BuildScoreWeights(query[1]);
        return OutputShape!;
    }

    /// <summary>Creates the score's weights for queries of <paramref name="features"/> features.</summary>
    private protected virtual void BuildScoreWeights(int features)
    {
        if (UseScale) Scale = AddWeight("scale", [], Initializer.Get("ones"));
        if (ScoreMode == "concat") ConcatScoreWeight = AddWeight("concat_score_weight", [], Initializer.Get("ones"));
    }

    /// <summary>[query steps, value features], given as the build shape.</summary>
    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    /// <summary>Keras's Attention returns its weights after dropout, [batch, query steps, key steps].</summary>
    private protected override int[] ScoresShape(int[] query, int[] key) => [query[0], key[0]];

    private protected override (Tensor Output, Tensor Scores) Attend(IReadOnlyList<Tensor> inputs, bool training, bool causal)
    {
        BuildForInputs(inputs.Select(t => t.Shape[1..]).ToArray());
        var (query, value) = (inputs[0], inputs[1]);
        var key = inputs.Count == 3 ? inputs[2] : value;
        var scores = Scores(query, key);
        var valueMask = value.KerasMask is { } mask ? Tensor.Reshape(mask, mask.Shape[0], 1, mask.Shape[1]) : null;
        if (AttentionInputs.WithCausal(valueMask, causal, query.Shape[1], key.Shape[1]) is { } kept)
            scores = Tensor.Add(scores, AttentionInputs.PaddingAdder(kept));
        var weights = SoftmaxRows.Apply(scores);
        if (training && Dropout > 0) weights = Op.Record(new DropoutOp(weights, (float)Dropout, seeded));
        var output = Tensor.BatchMatMul(weights, value);
        if (query.KerasMask is { } queryMask)
        {
            output = Tensor.Multiply(output, Tensor.Reshape(queryMask, queryMask.Shape[0], queryMask.Shape[1], 1));
            output.KerasMask = queryMask;
        }
        return (output, weights);
    }

    /// <summary>The scores [batch, query steps, key steps].</summary>
    private protected virtual Tensor Scores(Tensor query, Tensor key)
    {
        if (ScoreMode == "dot")
        {
            var dot = Tensor.BatchMatMul(query, Tensor.Transpose(key, 0, 2, 1));
            return Scale is null ? dot : Tensor.Multiply(dot, Scale);
        }
        var sums = Tensor.Sum(Tanh.Apply(Scaled(PairSums(query, key))), 3);
        return Tensor.Multiply(sums, ConcatScoreWeight!);
    }

    /// <summary>q + k for every (query step, key step) pair: [batch, query steps, key steps, features].</summary>
    private protected static Tensor PairSums(Tensor query, Tensor key) =>
        Tensor.Add(Tensor.Reshape(query, query.Shape[0], query.Shape[1], 1, query.Shape[2]),
            Tensor.Reshape(key, key.Shape[0], 1, key.Shape[1], key.Shape[2]));

    private Tensor Scaled(Tensor x) => Scale is null ? x : Tensor.Multiply(x, Scale);

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["use_scale"] = UseScale;
        config["score_mode"] = ScoreMode;
        config["dropout"] = Dropout;
        config["seed"] = Seed is int s ? (long)s : null;
        return config;
    }

    public static Attention FromConfig(Config config)
    {
        string? name = ReadAttentionBase(config, "Attention");
        RefuseNull(config, "Attention", "score_mode", "dropout");
        return new Attention(config.GetBool("use_scale", false), config.GetString("score_mode", "dot")!, config.GetDouble("dropout", 0),
            config.TryGet("seed", out _) ? config.GetInt("seed") : null, name);
    }

    /// <summary>The name, after refusing tf.keras 2.4-2.9's causal (written by both attention layers, false by
    /// default): true masks each query step's later key steps, which a Keras 3 call asks for with use_causal_mask.</summary>
    private protected static string? ReadAttentionBase(Config config, string className)
    {
        var (name, _) = BaseArgs(config);
        if (config.GetBool("causal", false))
            throw new ArgumentException($"{className} '{name ?? "?"}' config 'causal' is true; Nabla reads the causal mask from the call (use_causal_mask), only false is supported.");
        return name;
    }
}

/// <summary>
/// Keras's <c>AdditiveAttention</c> (Bahdanau-style): <see cref="Attention"/> with the scores Σ scale·tanh(q + k) over
/// the features, where scale is a trainable vector (glorot_uniform, with <c>use_scale</c>, Keras's default) or 1
/// (keras/src/layers/attention/additive_attention.py).
/// </summary>
public sealed class AdditiveAttention(bool useScale = true, double dropout = 0, int? seed = null, string? name = null)
    : Attention(useScale, "dot", dropout, seed, name)
{
    public override string ClassName => "AdditiveAttention";

    private protected override void BuildScoreWeights(int features)
    {
        if (UseScale) Scale = AddWeight("scale", [features], Initializer.Get("glorot_uniform"));
    }

    private protected override Tensor Scores(Tensor query, Tensor key)
    {
        var tanh = Activations.Activation.Get("tanh").Apply(PairSums(query, key));
        return Tensor.Sum(Scale is null ? tanh : Tensor.Multiply(tanh, Scale), 3);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("score_mode");
        return config;
    }

    public static new AdditiveAttention FromConfig(Config config)
    {
        string? name = ReadAttentionBase(config, "AdditiveAttention");
        RefuseNull(config, "AdditiveAttention", "dropout");
        return new AdditiveAttention(config.GetTruthy("use_scale", true), config.GetDouble("dropout", 0),
            config.TryGet("seed", out _) ? config.GetInt("seed") : null, name);
    }
}
