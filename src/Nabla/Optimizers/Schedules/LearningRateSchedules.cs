using Nabla.Configuration;

namespace Nabla.Optimizers.Schedules;

/// <summary>The learning-rate schedules Keras can name in a config (<c>keras.optimizers.schedules</c>).</summary>
public static class LearningRateSchedules
{
    public static Registry<LearningRateSchedule> Registry { get; } = new Registry<LearningRateSchedule>("learning rate schedule")
        .Add("ExponentialDecay", ExponentialDecay.FromConfig)
        .Add("PiecewiseConstantDecay", PiecewiseConstantDecay.FromConfig)
        .Add("CosineDecay", CosineDecay.FromConfig)
        .Add("InverseTimeDecay", InverseTimeDecay.FromConfig);

    /// <summary>Builds a schedule from <c>{"class_name": ..., "config": {...}}</c> (or returns one already built).</summary>
    public static LearningRateSchedule Deserialize(object spec) => Registry.Deserialize(spec);

    /// <summary>
    /// Writes a schedule the way Keras 3 nests it in an optimizer config:
    /// <c>{"module": "keras.optimizers.schedules", "class_name": ..., "config": {...}, "registered_name": null}</c>.
    /// </summary>
    public static Config Serialize(LearningRateSchedule schedule) => new()
    {
        ["module"] = "keras.optimizers.schedules",
        ["class_name"] = schedule.ClassName,
        ["config"] = schedule.GetConfig(),
        ["registered_name"] = null,
    };
}
