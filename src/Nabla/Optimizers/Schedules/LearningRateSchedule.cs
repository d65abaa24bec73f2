using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>
/// A learning rate that depends on the optimizer step (Keras's <c>keras.optimizers.schedules</c>). An optimizer
/// given a schedule evaluates <see cref="At"/> at its <c>Iterations</c> (the number of steps already applied)
/// before every update.
/// </summary>
public abstract class LearningRateSchedule : IKerasSerializable
{
    protected LearningRateSchedule(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    public abstract string ClassName { get; }

    /// <summary>Keras's <c>name</c> (the name scope of the computation); kept only for the config.</summary>
    public string Name { get; }

    /// <summary>The learning rate at optimizer step <paramref name="step"/> (0 for the first update).</summary>
    public abstract double At(long step);

    public abstract Config GetConfig();

    protected static void RequirePositive(double value, string argument)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(argument, value, $"Argument `{argument}` must be > 0 and finite. Received: {value}.");
    }

    protected static void RequireFinite(double value, string argument)
    {
        if (!double.IsFinite(value))
            throw new ArgumentOutOfRangeException(argument, value, $"Argument `{argument}` must be a finite number. Received: {value}.");
    }

    protected static void CheckStep(long step)
    {
        if (step < 0)
            throw new ArgumentOutOfRangeException(nameof(step), step, "A learning-rate schedule step must be >= 0.");
    }
}
