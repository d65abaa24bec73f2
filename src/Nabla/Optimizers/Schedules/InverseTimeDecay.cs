using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// Keras 3 <c>InverseTimeDecay</c>: <c>lr(step) = initial_learning_rate / (1 + decay_rate · step / decay_steps)</c>,
/// with <c>step / decay_steps</c> floored when <c>staircase</c> is true.
/// </summary>
public sealed class InverseTimeDecay(double initialLearningRate, double decaySteps, double decayRate, bool staircase = false,
    string name = "InverseTimeDecay") : RateDecaySchedule(initialLearningRate, decaySteps, decayRate, staircase, name)
{
    public override string ClassName => "InverseTimeDecay";

    private protected override double RateAt(double p) => InitialLearningRate / (1 + DecayRate * p);

    public static InverseTimeDecay FromConfig(Config config)
    {
        var (initial, steps, rate, staircase, name) = ReadArguments(config, "InverseTimeDecay");
        return new InverseTimeDecay(initial, steps, rate, staircase, name);
    }
}
