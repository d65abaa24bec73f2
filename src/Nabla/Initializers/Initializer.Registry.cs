using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>
/// Looks up initializers by Keras name: "he_uniform", "HeUniform" and <c>{"class_name": "VarianceScaling",
/// "config": {...}}</c> (as TensorFlow.js writes He uniform) all work. Unknown names list the valid ones.
/// </summary>
public abstract partial class Initializer
{
    public static Registry<Initializer> Registry { get; } = new Registry<Initializer>("initializer")
        .Add("Zeros", Zeros.FromConfig, "zeros")
        .Add("Ones", Ones.FromConfig, "ones")
        .Add("Constant", Constant.FromConfig, "constant")
        .Add("RandomNormal", RandomNormal.FromConfig, "random_normal", "normal")
        .Add("RandomUniform", RandomUniform.FromConfig, "random_uniform", "uniform")
        .Add("TruncatedNormal", TruncatedNormal.FromConfig, "truncated_normal")
        .Add("VarianceScaling", VarianceScaling.FromConfig, "variance_scaling")
        .Add("GlorotUniform", GlorotUniform.FromConfig, "glorot_uniform")
        .Add("GlorotNormal", GlorotNormal.FromConfig, "glorot_normal")
        .Add("HeUniform", HeUniform.FromConfig, "he_uniform")
        .Add("HeNormal", HeNormal.FromConfig, "he_normal")
        .Add("LecunUniform", LecunUniform.FromConfig, "lecun_uniform")
        .Add("LecunNormal", LecunNormal.FromConfig, "lecun_normal")
        .Add("Orthogonal", Orthogonal.FromConfig, "orthogonal", "OrthogonalInitializer")
        .Add("Identity", Identity.FromConfig, "identity", "IdentityInitializer");

    /// <summary>The initializer named <paramref name="name"/>, built from <paramref name="config"/> (Keras
    /// defaults when null).</summary>
    public static Initializer Get(string name, Config? config = null) => Registry.Get(name, config);

    /// <summary>From a name, a <c>{"class_name", "config"}</c> dictionary or an initializer.</summary>
    public static Initializer Deserialize(object spec) => Registry.Deserialize(spec);

    /// <summary>The initializer of a weight under <paramref name="key"/> of a layer config: <paramref name="fallback"/>
    /// (the layer's Keras default) when absent, glorot_uniform when null, because Keras's <c>initializers.get(None)</c>
    /// is None and <c>Layer.add_weight</c> then initializes a float weight with glorot_uniform.</summary>
    public static Initializer ReadWeightInitializer(Config config, string key, string fallback)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Deserialize(config.GetValueOr(key, fallback, whenNull: "glorot_uniform"));
    }

    /// <summary>Refuses a null parameter of an initializer's own config: Keras's initializers compute with these
    /// (mean + stddev * x, gain * q, scale &lt;= 0 checks) and fail on None rather than read it as the default.</summary>
    private protected static void RefuseNullParameters(Config config, string className, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.RefuseNull(className, keys);
    }

    public static Config Serialize(Initializer initializer) => Registry<Initializer>.Serialize(initializer);

    /// <summary>Makes a custom initializer loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Initializer.Register("MyInitializer", MyInitializer.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Initializer> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
