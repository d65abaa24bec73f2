using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// The schedules Keras defines by (initial_learning_rate, decay_steps, decay_rate, staircase): they differ
/// only in how the rate falls with p = step / decay_steps (floored when <c>staircase</c>).
/// </summary>
public abstract class RateDecaySchedule : LearningRateSchedule
{
    private protected RateDecaySchedule(double initialLearningRate, double decaySteps, double decayRate, bool staircase,
        string name) : base(name)
    {
        RequireFinite(initialLearningRate, "initial_learning_rate");
        RequirePositive(decaySteps, "decay_steps");
        RequireFinite(decayRate, "decay_rate");
        InitialLearningRate = initialLearningRate;
        DecaySteps = decaySteps;
        DecayRate = decayRate;
        Staircase = staircase;
    }

    public double InitialLearningRate { get; }
    public double DecaySteps { get; }
    public double DecayRate { get; }
    public bool Staircase { get; }

    public override double At(long step)
    {
        CheckStep(step);
        double p = step / DecaySteps;
        if (Staircase) p = Math.Floor(p);
        return RateAt(p);
    }

    /// <summary>The learning rate after p decay periods.</summary>
    private protected abstract double RateAt(double p);

    public override Config GetConfig() => new()
    {
        ["initial_learning_rate"] = InitialLearningRate,
        ["decay_steps"] = DecaySteps,
        ["decay_rate"] = DecayRate,
        ["staircase"] = Staircase,
        ["name"] = Name,
    };

    /// <summary>Reads the four shared keys (and name), refusing any other key.</summary>
    private protected static (double initial, double steps, double rate, bool staircase, string name) ReadArguments(
        Config config, string className)
    {
        StrictConfig.RequireOnly(config, className, "initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name");
        return (config.GetDouble("initial_learning_rate"), config.GetDouble("decay_steps"), config.GetDouble("decay_rate"),
            config.GetBool("staircase", false), config.GetString("name", className)!);
    }
}
