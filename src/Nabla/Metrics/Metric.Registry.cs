using Nabla.Losses;
using Nabla.Configuration;

namespace Nabla.Metrics;

/// <summary>
/// Looks up metrics by Keras name ("mae", "mean_absolute_error", "MeanAbsoluteError", "auc"...) and resolves
/// "accuracy"/"acc" to the accuracy that fits the targets, as <c>model.compile</c> does.
/// </summary>
public abstract partial class Metric
{
    public static Registry<Metric> Registry { get; } = new Registry<Metric>("metric")
        .Add("BinaryAccuracy", BinaryAccuracy.FromConfig, "binary_accuracy")
        .Add("CategoricalAccuracy", CategoricalAccuracy.FromConfig, "categorical_accuracy")
        .Add("SparseCategoricalAccuracy", SparseCategoricalAccuracy.FromConfig, "sparse_categorical_accuracy")
        .Add("TopKCategoricalAccuracy", TopKCategoricalAccuracy.FromConfig, "top_k_categorical_accuracy")
        .Add("SparseTopKCategoricalAccuracy", SparseTopKCategoricalAccuracy.FromConfig, "sparse_top_k_categorical_accuracy")
        // The string "accuracy" never reaches this entry (Resolve picks a fitting accuracy); a config naming the class does.
        .Add("Accuracy", Accuracy.FromConfig)
        .Add("MeanAbsoluteError", MeanAbsoluteError.FromConfig, "mean_absolute_error", "mae")
        .Add("MeanSquaredError", MeanSquaredError.FromConfig, "mean_squared_error", "mse")
        .Add("RootMeanSquaredError", RootMeanSquaredError.FromConfig, "root_mean_squared_error")
        .Add("MeanAbsolutePercentageError", MeanAbsolutePercentageError.FromConfig, "mean_absolute_percentage_error", "mape")
        .Add("MeanSquaredLogarithmicError", MeanSquaredLogarithmicError.FromConfig, "mean_squared_logarithmic_error", "msle")
        // "logcosh", "kld" and "kullback_leibler_divergence" are tf.keras 2's names; Keras 3 knows only the class names.
        .Add("LogCoshError", LogCoshError.FromConfig, "log_cosh_error", "logcosh")
        .Add("CosineSimilarity", CosineSimilarity.FromConfig, "cosine_similarity")
        .Add("Poisson", Poisson.FromConfig, "poisson")
        .Add("KLDivergence", KLDivergence.FromConfig, "kl_divergence", "kld", "kullback_leibler_divergence")
        .Add("Hinge", Hinge.FromConfig, "hinge")
        .Add("SquaredHinge", SquaredHinge.FromConfig, "squared_hinge")
        .Add("CategoricalHinge", CategoricalHinge.FromConfig, "categorical_hinge")
        .Add("BinaryCrossentropy", BinaryCrossentropy.FromConfig, "binary_crossentropy", "bce")
        .Add("CategoricalCrossentropy", CategoricalCrossentropy.FromConfig, "categorical_crossentropy")
        .Add("SparseCategoricalCrossentropy", SparseCategoricalCrossentropy.FromConfig, "sparse_categorical_crossentropy")
        .Add("AUC", AUC.FromConfig, "auc")
        .Add("Precision", Precision.FromConfig, "precision")
        .Add("Recall", Recall.FromConfig, "recall")
        .Add("TruePositives", TruePositives.FromConfig, "true_positives")
        .Add("FalsePositives", FalsePositives.FromConfig, "false_positives")
        .Add("TrueNegatives", TrueNegatives.FromConfig, "true_negatives")
        .Add("FalseNegatives", FalseNegatives.FromConfig, "false_negatives")
        .Add("F1Score", F1Score.FromConfig, "f1_score")
        .Add("FBetaScore", FBetaScore.FromConfig, "f_beta_score")
        .Add("R2Score", R2Score.FromConfig, "r2_score")
        // keras/src/metrics/__init__.py adds each class's to_snake_case name ("IoU" → "io_u"). Only BinaryIoU can be built
        // from its name alone: the others need num_classes, which Keras requires too.
        .Add("IoU", IoU.FromConfig, "io_u")
        .Add("MeanIoU", MeanIoU.FromConfig, "mean_io_u")
        .Add("BinaryIoU", BinaryIoU.FromConfig, "binary_io_u")
        .Add("OneHotIoU", OneHotIoU.FromConfig, "one_hot_io_u")
        .Add("OneHotMeanIoU", OneHotMeanIoU.FromConfig, "one_hot_mean_io_u")
        .Add("Mean", Mean.FromConfig, "mean")
        .Add("Sum", Sum.FromConfig, "sum");

    /// <summary>The metric named <paramref name="name"/> with its Keras default name. "accuracy" needs the
    /// shapes: use <see cref="Resolve"/>.</summary>
    public static Metric Get(string name, Config? config = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (IsAccuracy(name))
            throw new ArgumentException(
                $"Metric '{name}' depends on the targets and predictions; resolve it with Metric.Resolve(name, loss, yTrueShape, yPredShape).",
                nameof(name));
        return Registry.Get(name, config);
    }

    public static Metric Deserialize(object spec) => Registry.Deserialize(spec);

    public static Config Serialize(Metric metric) => Registry<Metric>.Serialize(metric);

    /// <summary>
    /// The metric for <c>compile(metrics=[name])</c>, named <paramref name="name"/> as Keras names it in the
    /// history. "accuracy"/"acc" follow keras/src/trainers/compile_utils.py (is_binary_or_sparse_categorical):
    /// binary when yPred's last dimension is 1; else sparse categorical when yTrue has fewer axes than yPred,
    /// or its last dimension is 1 while yPred's is larger; else categorical (so one-hot targets with MSE get
    /// categorical accuracy). Nabla also picks binary accuracy for a binary-crossentropy loss, as Keras 2
    /// did: Keras 3 decides on shapes alone and would give a multi-label sigmoid model argmax accuracy.
    /// </summary>
    public static Metric Resolve(string name, Loss? loss, int[] yTrueShape, int[] yPredShape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(yTrueShape);
        ArgumentNullException.ThrowIfNull(yPredShape);
        if (!IsAccuracy(name))
        {
            var metric = Registry.Get(name);
            metric.Name = name;
            return metric;
        }
        if (yTrueShape.Length == 0 || yPredShape.Length == 0)
            throw new ArgumentException(
                $"Cannot choose an accuracy for yTrue shape {Tensor.ShapeString(yTrueShape)} and yPred shape " +
                $"{Tensor.ShapeString(yPredShape)}: both need at least one axis.");
        int trueLast = yTrueShape[^1], predLast = yPredShape[^1];
        bool binary = predLast == 1;
        bool sparse = yTrueShape.Length < yPredShape.Length || (trueLast == 1 && predLast > 1);
        if (binary) return new BinaryAccuracy(name: name);
        if (sparse) return new SparseCategoricalAccuracy(name);
        return new CategoricalAccuracy(name);
    }

    internal static bool IsAccuracy(string name) =>
        name.Equals("accuracy", StringComparison.OrdinalIgnoreCase) || name.Equals("acc", StringComparison.OrdinalIgnoreCase);

    /// <summary>Makes a custom metric loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Metric.Register("MyMetric", MyMetric.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Metric> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
