using Nabla.Serialization;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// Keras 3 <c>InverseTimeDecay</c>: <c>lr(step) = initial_learning_rate / (1 + decay_rate · step / decay_steps)</c>,
/// with <c>step / decay_steps</c> floored when <c>staircase</c> is true.
/// </summary>
public sealed class InverseTimeDecay : LearningRateSchedule
{
    public InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false,
        string name = "InverseTimeDecay") : base(name)
    {
        RequireFinite(initialLearningRate, "initial_learning_rate");
        RequirePositive(decaySteps, "decay_steps");
        RequireFinite(decayRate, "decay_rate");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    public override string ClassName => "InverseTimeDecay";

    public double InitialLearningRate { get; }
    public double DecaySteps { get; }
    public double DecayRate { get; }
    public bool Staircase { get; }

    public override double At(long step)
    {
        CheckStep(step);
        double p = step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return InitialLearningRate / (1 + DecayRate * p);
    }

    public override Config GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    public static InverseTimeDecay FromConfig(Config config)
    {
        StrictConfig.RequireOnly(config, "InverseTimeDecay",
            "initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name");
        return new InverseTimeDecay(config.GetDouble("initial_learning_rate"), config.GetDouble("decay_steps"),
            config.GetDouble("decay_rate"), config.GetBool("staircase", false),
            config.GetString("name", "InverseTimeDecay")!);
    }
}
