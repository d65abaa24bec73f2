using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>
/// Looks up losses by Keras name: "mse", "mean_squared_error" and "MeanSquaredError" name the same loss;
/// <c>{"class_name": ..., "config": ...}</c> dictionaries work too. Unknown names list the valid ones.
/// </summary>
public abstract partial class Loss
{
    public static Registry<Loss> Registry { get; } = new Registry<Loss>("loss")
        .Add("MeanSquaredError", MeanSquaredError.FromConfig, "mean_squared_error", "mse")
        .Add("MeanAbsoluteError", MeanAbsoluteError.FromConfig, "mean_absolute_error", "mae")
        .Add("MeanAbsolutePercentageError", MeanAbsolutePercentageError.FromConfig, "mean_absolute_percentage_error", "mape")
        .Add("MeanSquaredLogarithmicError", MeanSquaredLogarithmicError.FromConfig, "mean_squared_logarithmic_error", "msle")
        .Add("Huber", Huber.FromConfig, "huber", "huber_loss")
        .Add("LogCosh", LogCosh.FromConfig, "log_cosh", "logcosh")
        .Add("BinaryCrossentropy", BinaryCrossentropy.FromConfig, "binary_crossentropy", "bce")
        .Add("CategoricalCrossentropy", CategoricalCrossentropy.FromConfig, "categorical_crossentropy")
        .Add("SparseCategoricalCrossentropy", SparseCategoricalCrossentropy.FromConfig, "sparse_categorical_crossentropy")
        .Add("KLDivergence", KLDivergence.FromConfig, "kl_divergence", "kld", "kullback_leibler_divergence")
        .Add("Hinge", Hinge.FromConfig, "hinge")
        .Add("SquaredHinge", SquaredHinge.FromConfig, "squared_hinge")
        .Add("CategoricalHinge", CategoricalHinge.FromConfig, "categorical_hinge")
        .Add("Poisson", Poisson.FromConfig, "poisson")
        .Add("CosineSimilarity", CosineSimilarity.FromConfig, "cosine_similarity")
        .Add("BinaryFocalCrossentropy", BinaryFocalCrossentropy.FromConfig, "binary_focal_crossentropy")
        .Add("CategoricalFocalCrossentropy", CategoricalFocalCrossentropy.FromConfig, "categorical_focal_crossentropy");

    /// <summary>The loss named <paramref name="name"/>, built from <paramref name="config"/> (Keras defaults when null).</summary>
    public static Loss Get(string name, Config? config = null) => Registry.Get(name, config);

    /// <summary>From a name, a <c>{"class_name", "config"}</c> dictionary or a loss.</summary>
    public static Loss Deserialize(object spec) => Registry.Deserialize(spec);

    public static Config Serialize(Loss loss) => Registry<Loss>.Serialize(loss);

    /// <summary>Makes a custom loss loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Loss.Register("MyLoss", MyLoss.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Loss> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
