using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// Keras 3 <c>CosineDecay</c> with optional linear warm-up. Without <c>warmup_target</c>:
/// <c>s = min(step, decay_steps)</c>, <c>lr = initial · ((1 − alpha) · 0.5 · (1 + cos(π·s/decay_steps)) + alpha)</c>.
/// With <c>warmup_target</c>: <c>s = min(step, warmup_steps + decay_steps)</c>; while <c>s &lt; warmup_steps</c>,
/// <c>lr = (warmup_target − initial) · s/warmup_steps + initial</c>; afterwards the cosine decay above runs from
/// <c>warmup_target</c> at <c>s − warmup_steps</c>.
/// </summary>
public sealed class CosineDecay : LearningRateSchedule
{
    public CosineDecay(double initialLearningRate, double decaySteps, double alpha = 0.0, string name = "CosineDecay",
        double? warmupTarget = null, double warmupSteps = 0) : base(name)
    {
        RequireFinite(initialLearningRate, "initial_learning_rate");
        RequirePositive(decaySteps, "decay_steps");
        RequireFinite(alpha, "alpha");
        if (warmupTarget is { } target) RequireFinite(target, "warmup_target");
        if (!(warmupSteps >= 0) || double.IsInfinity(warmupSteps))
            throw new ArgumentOutOfRangeException("warmup_steps", warmupSteps,
                $"Argument `warmup_steps` must be >= 0 and finite. Received: {warmupSteps}.");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        Alpha = alpha;
        WarmupTarget = warmupTarget;
        WarmupSteps = warmupSteps;
    }

    public override string ClassName => "CosineDecay";

    public double InitialLearningRate { get; }
    public double DecaySteps { get; }
    public double Alpha { get; }
    public double? WarmupTarget { get; }
    public double WarmupSteps { get; }

    public override double At(long step)
    {
        CheckStep(step);
        if (WarmupTarget is not { } target)
            return Decayed(Math.Min(step, DecaySteps), InitialLearningRate);
        double s = Math.Min(step, DecaySteps + WarmupSteps);
        if (s < WarmupSteps)
            return (target - InitialLearningRate) * (s / WarmupSteps) + InitialLearningRate;
        return Decayed(s - WarmupSteps, target);
    }

    private double Decayed(double s, double from)
    {
        double cosine = 0.5 * (1.0 + Math.Cos(Math.PI * (s / DecaySteps)));
        return from * ((1 - Alpha) * cosine + Alpha);
    }

    public override Config GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["alpha"] = Alpha,
        ["name"] = Name,
        ["warmup_target"] = WarmupTarget,
        ["warmup_steps"] = WarmupSteps,
    };

    public static CosineDecay FromConfig(Config config)
    {
        StrictConfig.RequireOnly(config, "CosineDecay",
            "initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target", "warmup_steps");
        // Keras computes with alpha and warmup_steps and fails on None; warmup_target's None means no warmup.
        config.RefuseNull("CosineDecay", "alpha", "warmup_steps");
        double? target = config.TryGet("warmup_target", out _) ? config.GetDouble("warmup_target") : null;
        return new CosineDecay(config.GetDouble("initial_learning_rate"), config.GetDouble("decay_steps"),
            config.GetDouble("alpha", 0.0), config.GetString("name", "CosineDecay")!, target,
            config.GetDouble("warmup_steps", 0));
    }
}
