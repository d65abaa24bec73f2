using Nabla.Optimizers.Schedules;

namespace Nabla.Optimizers;

/// <summary>
/// What Keras accepts as <c>learning_rate</c>: a fixed number or a <see cref="LearningRateSchedule"/>. Both convert
/// implicitly, so <c>new Adam(learningRate: 0.01)</c> and <c>new Adam(learningRate: new ExponentialDecay(...))</c>
/// read naturally.
/// </summary>
public sealed class LearningRateOrSchedule
{
    private LearningRateOrSchedule(double value, LearningRateSchedule? schedule)
    {
        Value = value;
        Schedule = schedule;
    }

    /// <summary>The fixed learning rate (unused when <see cref="Schedule"/> is set).</summary>
    public double Value { get; }

    public LearningRateSchedule? Schedule { get; }

    public static implicit operator LearningRateOrSchedule(double value) => new(value, null);

    public static implicit operator LearningRateOrSchedule(LearningRateSchedule schedule) =>
        new(0, schedule ?? throw new ArgumentNullException(nameof(schedule)));

    public override string ToString() => Schedule?.ClassName ?? Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
