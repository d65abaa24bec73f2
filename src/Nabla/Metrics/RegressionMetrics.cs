using Nabla.Configuration;
using Nabla.Losses;

namespace Nabla.Metrics;

// Keras's regression metrics (keras/src/metrics/regression_metrics.py): each the mean over samples of the loss function
// of the same name; their configs hold only name and dtype, except CosineSimilarity's axis.

/// <summary>Keras metric <c>MeanAbsoluteError</c>: mean |t − p| per sample, averaged over samples.</summary>
public sealed class MeanAbsoluteError(string name = "mean_absolute_error")
    : LossFunctionMetric(name, new ElementwiseSample<AbsoluteError>(default))
{
    public override string ClassName => "MeanAbsoluteError";
    public static MeanAbsoluteError FromConfig(Config config) => new(ReadName(config, "mean_absolute_error"));
}

/// <summary>Keras metric <c>MeanSquaredError</c>: mean (t − p)² per sample, averaged over samples.</summary>
public sealed class MeanSquaredError(string name = "mean_squared_error")
    : LossFunctionMetric(name, new ElementwiseSample<SquaredError>(default))
{
    public override string ClassName => "MeanSquaredError";
    public static MeanSquaredError FromConfig(Config config) => new(ReadName(config, "mean_squared_error"));
}

/// <summary>
/// Keras metric <c>RootMeanSquaredError</c>: the square root of the weighted mean over all samples seen of each
/// sample's mean squared error, so over several batches it is not the mean of the batches' RMSEs. Keras builds it on
/// <c>Mean</c> fed the squared errors, which carry no mask: masked steps count there, and Nabla refuses a mask.
/// </summary>
public sealed class RootMeanSquaredError(string name = "root_mean_squared_error")
    : LossFunctionMetric(name, new ElementwiseSample<SquaredError>(default))
{
    public override string ClassName => "RootMeanSquaredError";
    public override bool WeighsByMask => false;
    public static RootMeanSquaredError FromConfig(Config config) => new(ReadName(config, "root_mean_squared_error"));
    public override double Result() => Math.Sqrt(base.Result());
}

/// <summary>Keras metric <c>MeanAbsolutePercentageError</c>: 100·mean(|t − p| / max(|t|, 1e-7)) per sample.</summary>
public sealed class MeanAbsolutePercentageError(string name = "mean_absolute_percentage_error")
    : LossFunctionMetric(name, new ElementwiseSample<AbsolutePercentageError>(default))
{
    public override string ClassName => "MeanAbsolutePercentageError";
    public static MeanAbsolutePercentageError FromConfig(Config config) => new(ReadName(config, "mean_absolute_percentage_error"));
}

/// <summary>Keras metric <c>MeanSquaredLogarithmicError</c>: mean (log(max(p, ε) + 1) − log(max(t, ε) + 1))² per sample.</summary>
public sealed class MeanSquaredLogarithmicError(string name = "mean_squared_logarithmic_error")
    : LossFunctionMetric(name, new ElementwiseSample<SquaredLogarithmicError>(default))
{
    public override string ClassName => "MeanSquaredLogarithmicError";
    public static MeanSquaredLogarithmicError FromConfig(Config config) => new(ReadName(config, "mean_squared_logarithmic_error"));
}

/// <summary>Keras metric <c>LogCoshError</c> (default name "logcosh"): mean log(cosh(p − t)) per sample.</summary>
public sealed class LogCoshError(string name = "logcosh") : LossFunctionMetric(name, new ElementwiseSample<Losses.LogCoshError>(default))
{
    public override string ClassName => "LogCoshError";
    public static LogCoshError FromConfig(Config config) => new(ReadName(config, "logcosh"));
}

/// <summary>Keras metric <c>CosineSimilarity</c> (axis −1): per sample Σ t·p / (‖t‖·‖p‖), averaged over samples.</summary>
public sealed class CosineSimilarity(string name = "cosine_similarity") : LossFunctionMetric(name, new CosineSample())
{
    public override string ClassName => "CosineSimilarity";

    public override bool? RisesWhenBetter => true;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = -1L;
        return config;
    }

    /// <summary>Only the last axis: Nabla feeds metrics rows of the output's last axis.</summary>
    public static CosineSimilarity FromConfig(Config config)
    {
        Loss.RequireLastAxis(config, "CosineSimilarity");
        return new(ReadName(config, "cosine_similarity"));
    }
}
