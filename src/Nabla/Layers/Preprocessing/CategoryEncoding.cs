using System.Globalization;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>CategoryEncoding</c> (keras/src/layers/preprocessing/category_encoding.py): integer values in
/// 0..num_tokens−1 become a one-hot row ("one_hot": (None,) and (None, 1) give (None, num_tokens), (None, n) gives
/// (None, n, num_tokens)), the presence of each value in a sample, its last axis ("multi_hot", Keras's default: (None, n)
/// gives (None, num_tokens)) or how often each occurs ("count"). A value outside that range, or one that is not an integer, is refused naming the layer, where it is
/// and the range, as Keras raises. Keras's <c>count_weights</c> call argument is not implemented (a functional config
/// passing it is refused by name), nor <c>sparse</c> outputs.
/// </summary>
public sealed class CategoryEncoding : TokenLayer
{
    /// <param name="numTokens">Keras's <c>num_tokens</c>, required: the number of slots; every value must be below it.</param>
    /// <param name="outputMode">"one_hot", "multi_hot" (Keras's default) or "count"; Keras's older "binary" is multi_hot.</param>
    public CategoryEncoding(int numTokens, string outputMode = "multi_hot", bool sparse = false, int[]? inputShape = null,
        string? name = null)
        : base(TokenOutputModes.Parse("CategoryEncoding" + (name is null ? "" : $" '{name}'"), outputMode, deprecatedNames: true,
            TokenOutputMode.OneHot, TokenOutputMode.MultiHot, TokenOutputMode.Count), name, inputShape)
    {
        if (numTokens < 1)
            throw new ArgumentException($"{Owner}: 'num_tokens' must be >= 1, found {numTokens}.", nameof(numTokens));
        RefuseSparse(sparse);
        NumTokens = numTokens;
    }

    public override string ClassName => "CategoryEncoding";

    /// <summary>Keras's <c>num_tokens</c>.</summary>
    public int NumTokens { get; }

    private protected override int? KnownDepth => NumTokens;

    private protected override bool IsReady => true;

    private protected override string NotReady => "";

    internal override void ToIndices(ReadOnlySpan<float> values, Span<int> indices, int[] shape)
    {
        for (int i = 0; i < values.Length; i++)
        {
            long value = IntegerAt(values, i, shape);
            if (value < 0 || value >= NumTokens)
                throw new ArgumentException(
                    $"{Owner}: the value at {Where(i, shape)} is {value.ToString(CultureInfo.InvariantCulture)}, outside " +
                    $"[0, {NumTokens}) (num_tokens = {NumTokens}); Keras requires 0 <= value < num_tokens.");
            indices[i] = (int)value;
        }
    }

    /// <summary>Keras 3's keys: num_tokens and output_mode after the base ones (its get_config writes no "sparse").</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["num_tokens"] = (long)NumTokens;
        config["output_mode"] = OutputMode.KerasName();
        return config;
    }

    /// <summary>Reads Keras 3's config, and tf.keras 2.3's <c>max_tokens</c> where it has no <c>num_tokens</c>. A null
    /// num_tokens is refused, as Keras raises on it; a null output_mode too (Keras validates it against its names).</summary>
    public static CategoryEncoding FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "CategoryEncoding", "output_mode");
        string key = config.ContainsKey("num_tokens") || !config.ContainsKey("max_tokens") ? "num_tokens" : "max_tokens";
        if (!config.TryGet(key, out _))
            throw new ArgumentException(
                $"CategoryEncoding '{name ?? "?"}' config '{key}' is {(config.ContainsKey(key) ? "null" : "missing")}; Keras requires " +
                "num_tokens (the number of token slots; use IntegerLookup when it is not known beforehand).");
        return new CategoryEncoding(config.GetInt(key), config.GetString("output_mode", "multi_hot")!,
            config.GetTruthy("sparse", false), inputShape, name)
        {
            Trainable = config.GetBool("trainable", true),
        };
    }
}
