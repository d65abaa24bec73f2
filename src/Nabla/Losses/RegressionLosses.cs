using Nabla.Configuration;

namespace Nabla.Losses;

/// <summary>mean((t − p)²) per sample (Keras <c>mean_squared_error</c>, "mse").</summary>
public sealed class MeanSquaredError(string reduction = Loss.SumOverBatchSize, string name = "mean_squared_error")
    : Loss(name, reduction)
{
    public override string ClassName => "MeanSquaredError";
    public static MeanSquaredError FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "mean_squared_error");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<SquaredError>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default);
}

/// <summary>mean(|t − p|) per sample (Keras <c>mean_absolute_error</c>, "mae").</summary>
public sealed class MeanAbsoluteError(string reduction = Loss.SumOverBatchSize, string name = "mean_absolute_error")
    : Loss(name, reduction)
{
    public override string ClassName => "MeanAbsoluteError";
    public static MeanAbsoluteError FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "mean_absolute_error");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<AbsoluteError>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default);
}

/// <summary>100·mean(|t − p| / max(|t|, 1e-7)) per sample (Keras <c>mean_absolute_percentage_error</c>, "mape").</summary>
public sealed class MeanAbsolutePercentageError(string reduction = Loss.SumOverBatchSize, string name = "mean_absolute_percentage_error")
    : Loss(name, reduction)
{
    public override string ClassName => "MeanAbsolutePercentageError";
    public static MeanAbsolutePercentageError FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "mean_absolute_percentage_error");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<AbsolutePercentageError>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default);
}

/// <summary>mean((log(max(p, ε)+1) − log(max(t, ε)+1))²) per sample (Keras <c>mean_squared_logarithmic_error</c>, "msle").</summary>
public sealed class MeanSquaredLogarithmicError(string reduction = Loss.SumOverBatchSize, string name = "mean_squared_logarithmic_error")
    : Loss(name, reduction)
{
    public override string ClassName => "MeanSquaredLogarithmicError";
    public static MeanSquaredLogarithmicError FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "mean_squared_logarithmic_error");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<SquaredLogarithmicError>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default);
}

/// <summary>Keras <c>Huber</c> (delta 1.0, instance name "huber_loss"): quadratic within ±delta, linear beyond.</summary>
public sealed class Huber : Loss
{
    public Huber(double delta = 1.0, string reduction = SumOverBatchSize, string name = "huber_loss") : base(name, reduction)
    {
        if (!(delta > 0)) throw new ArgumentException($"Huber delta must be positive; got {delta}.", nameof(delta));
        Delta = delta;
    }

    public double Delta { get; }

    public override string ClassName => "Huber";

    /// <summary>Keras 3 omits delta from Huber's config (it writes only name and reduction) but accepts it
    /// back; Nabla writes it so that a round trip keeps a non-default delta.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["delta"] = Delta;
        return config;
    }

    public static Huber FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "huber_loss");
        config.RefuseNull("huber_loss", "delta");
        return new(config.GetDouble("delta", 1.0), reduction, name);
    }

    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<HuberError>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, new HuberError(Delta));
}

/// <summary>mean(log(cosh(p − t))) per sample (Keras <c>log_cosh</c>).</summary>
public sealed class LogCosh(string reduction = Loss.SumOverBatchSize, string name = "log_cosh") : Loss(name, reduction)
{
    public override string ClassName => "LogCosh";
    public static LogCosh FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "log_cosh");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<LogCoshError>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default);
}

/// <summary>Σ t·log(t/p) per sample, t and p clipped to [1e-7, 1] (Keras <c>kl_divergence</c>, "kld").</summary>
public sealed class KLDivergence(string reduction = Loss.SumOverBatchSize, string name = "kl_divergence") : Loss(name, reduction)
{
    public override string ClassName => "KLDivergence";

    /// <summary>KL compares two distributions: a yPred that is not one (no softmax) is a mistake.</summary>
    public override bool ExpectsProbabilities => true;

    public static KLDivergence FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "kl_divergence");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<KLDivergenceTerm>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default,
            sumOverLastAxis: true);
}

/// <summary>mean(p − t·log(p + 1e-7)) per sample (Keras <c>poisson</c>), for count targets and positive predictions
/// (an exponential or softplus output).</summary>
public sealed class Poisson(string reduction = Loss.SumOverBatchSize, string name = "poisson") : Loss(name, reduction)
{
    public override string ClassName => "Poisson";
    public static Poisson FromConfig(Config config)
    {
        var (name, reduction) = ReadBase(config, "poisson");
        return new(reduction, name);
    }
    protected override LossOp CreateOp(Tensor yTrue, Tensor yPred) =>
        new ElementwiseLossOp<PoissonTerm>(Name, yTrue, yPred, ElementwiseWidth(yTrue, yPred), Reduction, default);
}
