using Nabla.Optimizers;
using Nabla.Optimizers.Schedules;
using Nabla.Configuration;

namespace Nabla.Tests.Optimizers;

public class ScheduleTests
{
    [Theory]
    // 0.1·0.5^(step/10): step 5 → 0.1·sqrt(0.5), step 25 → 0.1·0.5^2.5.
    [InlineData(0, false, 0.1)]
    [InlineData(5, false, 0.07071067811865477)]
    [InlineData(10, false, 0.05)]
    [InlineData(25, false, 0.01767766952966369)]
    // staircase floors step/10: step 9 → 0.1, step 25 → 0.1·0.25.
    [InlineData(9, true, 0.1)]
    [InlineData(25, true, 0.025)]
    public void ExponentialDecay(long step, bool staircase, double expected)
    {
        var schedule = new ExponentialDecay(0.1, 10, 0.5, staircase);
        Assert.Equal(expected, schedule.At(step), 1e-12);
    }

    [Theory]
    // values[0] while step <= 10, values[1] while 10 < step <= 20, values[2] after.
    [InlineData(0, 1.0)]
    [InlineData(10, 1.0)]
    [InlineData(11, 0.5)]
    [InlineData(20, 0.5)]
    [InlineData(21, 0.1)]
    [InlineData(100000, 0.1)]
    public void PiecewiseConstantDecay(long step, double expected)
    {
        var schedule = new PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1]);
        Assert.Equal(expected, schedule.At(step));
    }

    [Theory]
    // 0.1·((1 − alpha)·0.5·(1 + cos(π·min(step, 100)/100)) + alpha)
    [InlineData(0, 0.0, 0.1)]
    [InlineData(25, 0.0, 0.08535533905932738)]   // 0.05·(1 + cos(π/4))
    [InlineData(50, 0.0, 0.05)]
    [InlineData(100, 0.0, 0.0)]
    [InlineData(250, 0.0, 0.0)]                  // clamped at decay_steps
    [InlineData(50, 0.1, 0.055)]                 // 0.1·(0.9·0.5 + 0.1)
    [InlineData(100, 0.1, 0.01)]
    public void CosineDecay(long step, double alpha, double expected)
    {
        var schedule = new CosineDecay(0.1, 100, alpha);
        Assert.Equal(expected, schedule.At(step), 1e-12);
    }

    [Theory]
    // Warm-up from 0 to 0.1 over 10 steps: lr = 0.1·step/10; then cosine decay from 0.1 over 100 steps.
    [InlineData(0, 0.0)]
    [InlineData(5, 0.05)]
    [InlineData(9, 0.09)]
    [InlineData(10, 0.1)]
    [InlineData(35, 0.08535533905932738)]   // 25 steps into the decay
    [InlineData(60, 0.05)]
    [InlineData(110, 0.0)]
    [InlineData(1000, 0.0)]
    public void CosineDecay_WithWarmup(long step, double expected)
    {
        var schedule = new CosineDecay(0.0, 100, warmupTarget: 0.1, warmupSteps: 10);
        Assert.Equal(expected, schedule.At(step), 1e-12);
    }

    [Theory]
    // 0.1 / (1 + 0.5·step/10); staircase floors step/10.
    [InlineData(0, false, 0.1)]
    [InlineData(5, false, 0.08)]
    [InlineData(10, false, 0.1 / 1.5)]
    [InlineData(15, true, 0.1 / 1.5)]
    [InlineData(20, true, 0.05)]
    public void InverseTimeDecay(long step, bool staircase, double expected)
    {
        var schedule = new InverseTimeDecay(0.1, 10, 0.5, staircase);
        Assert.Equal(expected, schedule.At(step), 1e-12);
    }

    [Fact]
    public void Optimizer_EvaluatesTheScheduleAtIterations()
    {
        // SGD with lr 0.1·0.5^step: step 0 uses 0.1, step 1 uses 0.05. With g = 1: w = 1 − 0.1 − 0.05.
        var sgd = new SGD(learningRate: new ExponentialDecay(0.1, 1, 0.5));
        var w = Tensor.FromArray([1f], 1);
        Assert.Equal(0.1, sgd.CurrentLearningRate, 1e-12);
        w.Grad = Tensor.FromArray([1f], 1);
        sgd.Apply([w]);
        Assert.Equal(0.05, sgd.CurrentLearningRate, 1e-12);
        sgd.Apply([w]);
        Assert.Equal(0.85f, w.Data[0], 1e-6);
        Assert.Equal(0.025, sgd.LearningRate, 1e-12);
    }

    [Fact]
    public void Optimizer_WithSchedule_RejectsSettingTheLearningRate()
    {
        var adam = new Adam(learningRate: new CosineDecay(0.1, 10));
        var error = Assert.Throws<InvalidOperationException>(() => adam.LearningRate = 0.01);
        Assert.Contains("LearningRateSchedule", error.Message);
    }

    [Fact]
    public void Validation()
    {
        // Keras: "Argument `decay_steps` must be > 0." and PiecewiseConstantDecay's length rule.
        Assert.Contains("decay_steps", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 0, 0.5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new InverseTimeDecay(0.1, -1, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1, 10, warmupTarget: 1, warmupSteps: -1));
        Assert.Contains("1 less", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10], [1.0])).Message);
        Assert.Contains("increasing", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([10, 10], [1.0, 0.5, 0.1])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 10, 0.5).At(-1));
    }

    public static TheoryData<LearningRateSchedule> Schedules() =>
    [
        new ExponentialDecay(0.1, 1000, 0.96, staircase: true, name: "exp"),
        new PiecewiseConstantDecay([100, 200], [0.1, 0.01, 0.001]),
        new CosineDecay(0.0, 500, alpha: 0.05, warmupTarget: 0.01, warmupSteps: 50),
        new CosineDecay(0.1, 500),
        new InverseTimeDecay(0.1, 7, 0.5, staircase: false),
    ];

    [Theory]
    [MemberData(nameof(Schedules))]
    public void ConfigRoundTrip(LearningRateSchedule schedule)
    {
        string json = LearningRateSchedules.Serialize(schedule).ToJsonString();
        var rebuilt = LearningRateSchedules.Deserialize(Config.Parse(json));
        Assert.Equal(schedule.GetType(), rebuilt.GetType());
        Assert.Equal(schedule.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        foreach (long step in new long[] { 0, 1, 49, 50, 99, 150, 499, 10_000 })
            Assert.Equal(schedule.At(step), rebuilt.At(step));
    }

    [Fact]
    public void NestedInOptimizerConfig_AsKerasWritesIt()
    {
        var adam = new Adam(learningRate: new ExponentialDecay(0.01, 100, 0.9));
        var config = adam.GetConfig();
        var lr = Assert.IsType<Config>(config["learning_rate"]);
        Assert.Equal("ExponentialDecay", lr["class_name"]);
        Assert.Equal(0.01, Assert.IsType<Config>(lr["config"])["initial_learning_rate"]);

        var rebuilt = Adam.FromConfig(Config.Parse(config.ToJsonString()));
        var schedule = Assert.IsType<ExponentialDecay>(rebuilt.Schedule);
        Assert.Equal(100, schedule.DecaySteps);
        Assert.Equal(0.9, schedule.DecayRate);
    }

    [Fact]
    public void KerasWrittenScheduleConfig_IsRead()
    {
        // The shape Keras 3 writes for an optimizer with a schedule.
        const string json = """
            {"name": "SGD", "learning_rate": {"module": "keras.optimizers.schedules", "class_name": "PiecewiseConstantDecay",
             "config": {"boundaries": [2, 4], "values": [0.5, 0.25, 0.125], "name": "PiecewiseConstant"},
             "registered_name": null}, "weight_decay": null, "clipnorm": null, "global_clipnorm": null,
             "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
             "loss_scale_factor": null, "gradient_accumulation_steps": null, "momentum": 0.0, "nesterov": false}
            """;
        var sgd = SGD.FromConfig(Config.Parse(json));
        Assert.Equal(0.5, sgd.CurrentLearningRate);
        sgd.Iterations = 3;
        Assert.Equal(0.25, sgd.CurrentLearningRate);
    }

    [Fact]
    public void UnknownSchedule_ListsValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => LearningRateSchedules.Registry.Get("StepDecay"));
        Assert.Contains("CosineDecay", error.Message);
    }
}
