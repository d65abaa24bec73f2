using Nabla.Serialization;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// Keras 3 <c>ExponentialDecay</c>: <c>lr(step) = initial_learning_rate · decay_rate^(step / decay_steps)</c>,
/// where the exponent is floored when <c>staircase</c> is true.
/// </summary>
public sealed class ExponentialDecay : LearningRateSchedule
{
    public ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false,
        string name = "ExponentialDecay") : base(name)
    {
        RequireFinite(initialLearningRate, "initial_learning_rate");
        RequirePositive(decaySteps, "decay_steps");
        RequireFinite(decayRate, "decay_rate");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    public override string ClassName => "ExponentialDecay";

    public double InitialLearningRate { get; }
    public double DecaySteps { get; }
    public double DecayRate { get; }
    public bool Staircase { get; }

    public override double At(long step)
    {
        CheckStep(step);
        double p = step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate * Math.Pow(DecayRate, p);
    }

    public override Config GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    public static ExponentialDecay FromConfig(Config config)
    {
        StrictConfig.RequireOnly(config, "ExponentialDecay",
            "initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name");
        return new ExponentialDecay(config.GetDouble("initial_learning_rate"), config.GetDouble("decay_steps"),
            config.GetDouble("decay_rate"), config.GetBool("staircase", false),
            config.GetString("name", "ExponentialDecay")!);
    }
}
