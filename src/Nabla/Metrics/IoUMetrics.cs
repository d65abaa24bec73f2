using Nabla.Configuration;
using Nabla.Losses;

namespace Nabla.Metrics;

/// <summary>
/// Keras 3's Intersection-over-Union metrics (keras/src/metrics/iou_metrics.py, <c>_IoUBase</c> and its subclasses): every
/// batch adds to a num_classes × num_classes confusion matrix (rows the true class, columns the predicted one, each label
/// counting its sample's weight), and <see cref="Result"/> reads, for each target class c, IoU_c = TP_c / (row_c + col_c −
/// TP_c + ε), then sums them over the target classes and divides by the number of target classes whose denominator is
/// above 1e-9 (+ ε), ε = 1e-7 as Keras: a class that never appears in targets or predictions is left out of the mean.
/// <para>
/// Layout: each row of a batch is one sample (or, on a spatial output, one position; see OutputMetric). A sparse side
/// holds labels, every value of a row one label (Keras flattens both sides); a dense side (sparse_y_true/sparse_y_pred
/// false) holds the row's class scores, and its label is the row's argmax (Keras's <c>argmax(axis=-1)</c>; only axis −1
/// is supported). Labels are truncated to integers as Keras's cast does, and must lie in [0, num_classes); a position
/// whose target equals ignore_class counts nothing, whatever is predicted there. Sample weights are one per row and
/// weigh each of the row's labels. The matrix is allocated once, in the constructor, as Keras allocates its variable.
/// </para>
/// </summary>
public abstract class IoUBase : Metric
{
    public override bool? RisesWhenBetter => true;

    private const double Epsilon = Loss.Epsilon;
    private readonly double[] confusion;

    private protected IoUBase(string className, int numClasses, IReadOnlyList<int>? targetClassIds, string name, int? ignoreClass,
        bool sparseYTrue, bool sparseYPred, int axis) : base(name)
    {
        if (numClasses < 1)
            throw new ArgumentException($"{className} num_classes must be ≥ 1; got {numClasses}.", nameof(numClasses));
        if (axis != -1)
            throw new ArgumentException(
                $"{className} axis must be -1 (the class axis is the last one, each batch row's values); got {axis}: Nabla supports no other.",
                nameof(axis));
        int[] targets = targetClassIds is null ? Enumerable.Range(0, numClasses).ToArray() : targetClassIds.ToArray();
        if (targets.Length == 0)
            throw new ArgumentException($"{className} target_class_ids must name at least one class.", nameof(targetClassIds));
        foreach (int id in targets)
            if (id < 0 || id >= numClasses)
                throw new ArgumentException(
                    $"{className} target_class_ids: class id {id} is out of range, which is [0, {numClasses}).", nameof(targetClassIds));
        (NumClasses, TargetClassIds, IgnoreClass, SparseYTrue, SparseYPred, Axis) = (numClasses, targets, ignoreClass, sparseYTrue, sparseYPred, axis);
        confusion = new double[numClasses * numClasses];
    }

    public int NumClasses { get; }

    /// <summary>The classes whose IoUs are averaged (every class for the mean IoUs).</summary>
    public IReadOnlyList<int> TargetClassIds { get; }

    public int? IgnoreClass { get; }
    public bool SparseYTrue { get; }
    public bool SparseYPred { get; }
    public int Axis { get; }

    /// <summary>The accumulated weight of targets of class <paramref name="actual"/> predicted as <paramref name="predicted"/>.</summary>
    public double ConfusionAt(int actual, int predicted) => confusion[actual * NumClasses + predicted];

    /// <summary>The predicted label a sparse prediction stands for: the value itself (BinaryIoU thresholds it).</summary>
    private protected virtual double SparsePrediction(float value) => value;

    public override void Update(ReadOnlySpan<float> yTrue, ReadOnlySpan<float> yPred, int batch, int yTrueWidth, int yPredWidth,
        ReadOnlySpan<float> sampleWeight)
    {
        CheckSizes(yTrue, yPred, batch, yTrueWidth, yPredWidth);
        CheckWeights(sampleWeight, batch);
        int labels = SparseYTrue ? yTrueWidth : 1;
        if ((SparseYPred ? yPredWidth : 1) != labels)
            throw new ArgumentException(
                $"Metric '{Name}' ({ClassName}) needs as many labels on each side: the targets give {labels} per row " +
                $"({(SparseYTrue ? "sparse" : "dense, their argmax")}) and the predictions {(SparseYPred ? yPredWidth : 1)} " +
                $"({(SparseYPred ? "sparse" : "dense, their argmax")}); yTrue width {yTrueWidth}, yPred width {yPredWidth}.");
        for (int r = 0; r < batch; r++)
        {
            var t = yTrue.Slice(r * yTrueWidth, yTrueWidth);
            var p = yPred.Slice(r * yPredWidth, yPredWidth);
            double w = WeightOf(sampleWeight, r);
            for (int i = 0; i < labels; i++)
            {
                double actual = SparseYTrue ? t[i] : ArgMax(t);
                if (IgnoreClass is { } ignored && actual == ignored) continue;
                double predicted = SparseYPred ? SparsePrediction(p[i]) : ArgMax(p);
                confusion[Label(actual, "target") * NumClasses + Label(predicted, "prediction")] += w;
            }
        }
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }

    private int Label(double value, string side)
    {
        double label = Math.Truncate(value);
        if (!(label >= 0 && label < NumClasses))
            throw new ArgumentException(
                $"Metric '{Name}' ({ClassName}): a {side} label is {value}, outside [0, {NumClasses}) (num_classes {NumClasses})" +
                (IgnoreClass is null ? "; pass ignore_class to leave a void class out." : $" and not the ignored class {IgnoreClass}."));
        return (int)label;
    }

    public override double Result()
    {
        double sum = 0, valid = 0;
        foreach (int c in TargetClassIds)
        {
            double truePositives = ConfusionAt(c, c), row = 0, column = 0;
            for (int k = 0; k < NumClasses; k++)
            {
                row += ConfusionAt(c, k);
                column += ConfusionAt(k, c);
            }
            double denominator = row + column - truePositives;
            if (denominator > 1e-9) valid++;
            sum += truePositives / (denominator + Epsilon);
        }
        return sum / (valid + Epsilon);
    }

    public override void Reset() => Array.Clear(confusion);

    /// <summary>Every key of Keras's <c>IoU.get_config</c>; each subclass removes those its Keras class does not write.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["num_classes"] = NumClasses;
        config["target_class_ids"] = TargetClassIds.Cast<object?>().ToList();
        config["ignore_class"] = IgnoreClass;
        config["sparse_y_true"] = SparseYTrue;
        config["sparse_y_pred"] = SparseYPred;
        config["axis"] = Axis;
        return config;
    }

    /// <summary>Keras requires num_classes (the matrix's size); a config without it names the class.</summary>
    private protected static int ReadNumClasses(Config config, string className)
    {
        if (!config.TryGet("num_classes", out _))
            throw new ArgumentException(
                $"{className} needs num_classes (Keras requires it: the confusion matrix is num_classes × num_classes); " +
                $"build it with new {className}(numClasses: ...) or a config that gives num_classes.");
        return config.GetInt("num_classes");
    }

    private protected static int[] ReadTargetClassIds(Config config, string className)
    {
        config.RefuseNull(className, "target_class_ids");
        return config.GetIntArray("target_class_ids")
            ?? throw new ArgumentException($"{className} needs target_class_ids (Keras requires it).");
    }

    /// <summary>ignore_class (null by default), sparse_y_pred and axis; the None Keras would take for a bool or the axis
    /// means something else there (no argmax, argmax over everything), so null is refused.</summary>
    private protected static (int? IgnoreClass, bool SparseYPred, int Axis) ReadCommon(Config config, string className, bool sparseYPredDefault)
    {
        config.RefuseNull(className, "sparse_y_pred", "axis");
        int? ignoreClass = config.TryGet("ignore_class", out _) ? config.GetInt("ignore_class") : null;
        return (ignoreClass, config.GetBool("sparse_y_pred", sparseYPredDefault), config.GetInt("axis", -1));
    }

    private protected static bool ReadSparseYTrue(Config config, string className)
    {
        config.RefuseNull(className, "sparse_y_true");
        return config.GetBool("sparse_y_true", true);
    }
}

/// <summary>Keras <c>IoU</c>: the mean IoU of the classes in target_class_ids (the IoU of that class for one id).
/// Keras defaults: name "io_u" (its auto-name, to_snake_case("IoU")), ignore_class None, sparse_y_true and sparse_y_pred
/// True, axis −1.</summary>
public sealed class IoU(int numClasses, IReadOnlyList<int> targetClassIds, string name = "io_u", int? ignoreClass = null,
    bool sparseYTrue = true, bool sparseYPred = true, int axis = -1)
    : IoUBase("IoU", numClasses, targetClassIds ?? throw new ArgumentNullException(nameof(targetClassIds)), name, ignoreClass,
        sparseYTrue, sparseYPred, axis)
{
    public override string ClassName => "IoU";

    public static IoU FromConfig(Config config)
    {
        var (ignoreClass, sparseYPred, axis) = ReadCommon(config, "IoU", true);
        return new(ReadNumClasses(config, "IoU"), ReadTargetClassIds(config, "IoU"), ReadName(config, "io_u"), ignoreClass,
            ReadSparseYTrue(config, "IoU"), sparseYPred, axis);
    }
}

/// <summary>Keras <c>MeanIoU</c>: the mean IoU over every class. Keras defaults: name "mean_io_u", ignore_class None,
/// sparse_y_true and sparse_y_pred True, axis −1; its config has no target_class_ids.</summary>
public sealed class MeanIoU(int numClasses, string name = "mean_io_u", int? ignoreClass = null, bool sparseYTrue = true,
    bool sparseYPred = true, int axis = -1)
    : IoUBase("MeanIoU", numClasses, null, name, ignoreClass, sparseYTrue, sparseYPred, axis)
{
    public override string ClassName => "MeanIoU";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("target_class_ids");
        return config;
    }

    public static MeanIoU FromConfig(Config config)
    {
        var (ignoreClass, sparseYPred, axis) = ReadCommon(config, "MeanIoU", true);
        return new(ReadNumClasses(config, "MeanIoU"), ReadName(config, "mean_io_u"), ignoreClass, ReadSparseYTrue(config, "MeanIoU"),
            sparseYPred, axis);
    }
}

/// <summary>Keras <c>BinaryIoU</c>: two classes, a prediction is class 1 when ≥ threshold (else 0); targets are labels
/// 0/1. Keras defaults: target_class_ids (0, 1), threshold 0.5, name "binary_io_u"; its config holds only those and
/// dtype.</summary>
public sealed class BinaryIoU(IReadOnlyList<int>? targetClassIds = null, double threshold = 0.5, string name = "binary_io_u")
    : IoUBase("BinaryIoU", 2, targetClassIds ?? [0, 1], name, null, true, true, -1)
{
    public double Threshold { get; } = double.IsNaN(threshold)
        ? throw new ArgumentException("BinaryIoU threshold must be a number; got NaN.", nameof(threshold))
        : threshold;

    public override string ClassName => "BinaryIoU";

    private protected override double SparsePrediction(float value) => value >= Threshold ? 1 : 0;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        foreach (var key in new[] { "num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis" }) config.Remove(key);
        config["threshold"] = Threshold;
        return config;
    }

    public static BinaryIoU FromConfig(Config config)
    {
        config.RefuseNull("BinaryIoU", "target_class_ids", "threshold");
        return new(config.GetIntArray("target_class_ids"), config.GetDouble("threshold", 0.5), ReadName(config, "binary_io_u"));
    }
}

/// <summary>Keras <c>OneHotIoU</c>: <see cref="IoU"/> with one-hot targets (sparse_y_true fixed false). Keras defaults:
/// name "one_hot_io_u", ignore_class None, sparse_y_pred False, axis −1; its config has no sparse_y_true.</summary>
public sealed class OneHotIoU(int numClasses, IReadOnlyList<int> targetClassIds, string name = "one_hot_io_u", int? ignoreClass = null,
    bool sparseYPred = false, int axis = -1)
    : IoUBase("OneHotIoU", numClasses, targetClassIds ?? throw new ArgumentNullException(nameof(targetClassIds)), name, ignoreClass,
        false, sparseYPred, axis)
{
    public override string ClassName => "OneHotIoU";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("sparse_y_true");
        return config;
    }

    public static OneHotIoU FromConfig(Config config)
    {
        var (ignoreClass, sparseYPred, axis) = ReadCommon(config, "OneHotIoU", false);
        return new(ReadNumClasses(config, "OneHotIoU"), ReadTargetClassIds(config, "OneHotIoU"), ReadName(config, "one_hot_io_u"),
            ignoreClass, sparseYPred, axis);
    }
}

/// <summary>Keras <c>OneHotMeanIoU</c>: <see cref="MeanIoU"/> with one-hot targets. Keras defaults: name
/// "one_hot_mean_io_u", ignore_class None, sparse_y_pred False, axis −1; its config has neither target_class_ids nor
/// sparse_y_true.</summary>
public sealed class OneHotMeanIoU(int numClasses, string name = "one_hot_mean_io_u", int? ignoreClass = null, bool sparseYPred = false,
    int axis = -1)
    : IoUBase("OneHotMeanIoU", numClasses, null, name, ignoreClass, false, sparseYPred, axis)
{
    public override string ClassName => "OneHotMeanIoU";

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("target_class_ids");
        config.Remove("sparse_y_true");
        return config;
    }

    public static OneHotMeanIoU FromConfig(Config config)
    {
        var (ignoreClass, sparseYPred, axis) = ReadCommon(config, "OneHotMeanIoU", false);
        return new(ReadNumClasses(config, "OneHotMeanIoU"), ReadName(config, "one_hot_mean_io_u"), ignoreClass, sparseYPred, axis);
    }
}
