using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// Keras 3 <c>ExponentialDecay</c>: <c>lr(step) = initial_learning_rate · decay_rate^(step / decay_steps)</c>,
/// where the exponent is floored when <c>staircase</c> is true.
/// </summary>
public sealed class ExponentialDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false,
    string name = "ExponentialDecay") : RateDecaySchedule(initialLearningRate, decaySteps, decayRate, staircase, name)
{
    public override string ClassName => "ExponentialDecay";

    private protected override double RateAt(double p) => InitialLearningRate * Math.Pow(DecayRate, p);

    public static ExponentialDecay FromConfig(Config config)
    {
        var (initial, steps, rate, staircase, name) = ReadArguments(config, "ExponentialDecay");
        return new ExponentialDecay(initial, steps, rate, staircase, name);
    }
}
