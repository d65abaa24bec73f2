using Nabla.Optimizers;
using Nabla.Optimizers.Schedules;
using Nabla.Configuration;

namespace Nabla.Tests.Optimizers;

public class OptimizerSerializationTests
{
    public static TheoryData<Optimizer> NonDefault() =>
    [
        new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true, clipValue: 0.5, name: "my_sgd"),
        new Adam(learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: true, clipNorm: 1.0),
        new AdamW(learningRate: new InverseTimeDecay(0.01, 10, 0.5), weightDecay: 0.01, globalClipNorm: 2.0),
        new RMSprop(learningRate: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-6, centered: true, weightDecay: 0.001),
        new Adagrad(learningRate: 0.05, initialAccumulatorValue: 0.2, epsilon: 1e-6),
        new Adadelta(learningRate: new ExponentialDecay(1.0, 100, 0.9), rho: 0.9, epsilon: 1e-6, clipValue: 0.5),
        new Nadam(learningRate: new CosineDecay(0.0, 100, warmupTarget: 0.01, warmupSteps: 10), beta1: 0.85, beta2: 0.95),
        new Adamax(learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, globalClipNorm: 1.0, name: "my_adamax"),
        new Lion(learningRate: new ExponentialDecay(3e-4, 100, 0.9), beta1: 0.95, beta2: 0.98, weightDecay: 0.01),
        new Ftrl(learningRate: 0.05, learningRatePower: -0.25, initialAccumulatorValue: 0.2, l1RegularizationStrength: 0.01,
            l2RegularizationStrength: 0.02, l2ShrinkageRegularizationStrength: 0.03, beta: 0.1, clipNorm: 1.0),
    ];

    [Theory]
    [MemberData(nameof(NonDefault))]
    public void GetConfig_FromConfig_RoundTrip(Optimizer optimizer)
    {
        string json = Nabla.Optimizers.Optimizer.Serialize(optimizer).ToJsonString();
        var rebuilt = Nabla.Optimizers.Optimizer.Deserialize(Config.Parse(json));
        Assert.Equal(optimizer.GetType(), rebuilt.GetType());
        Assert.Equal(optimizer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        Assert.Equal(optimizer.CurrentLearningRate, rebuilt.CurrentLearningRate);
    }

    [Fact]
    public void Config_UsesKerasKeys()
    {
        var config = new Adam().GetConfig();
        foreach (var key in new[] { "name", "learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad", "clipnorm",
                     "clipvalue", "global_clipnorm", "weight_decay", "use_ema", "ema_momentum" })
            Assert.True(config.ContainsKey(key), $"missing '{key}'");
        Assert.Equal(0.001, config["learning_rate"]);
        Assert.Equal(0.9, config["beta_1"]);
    }

    [Theory]
    [InlineData("adam", typeof(Adam))]
    [InlineData("Adam", typeof(Adam))]
    [InlineData("sgd", typeof(SGD))]
    [InlineData("SGD", typeof(SGD))]
    [InlineData("rmsprop", typeof(RMSprop))]
    [InlineData("adagrad", typeof(Adagrad))]
    [InlineData("adadelta", typeof(Adadelta))]
    [InlineData("Adadelta", typeof(Adadelta))]
    [InlineData("nadam", typeof(Nadam))]
    [InlineData("adamw", typeof(AdamW))]
    [InlineData("AdamW", typeof(AdamW))]
    [InlineData("adamax", typeof(Adamax))]
    [InlineData("Adamax", typeof(Adamax))]
    [InlineData("lion", typeof(Lion))]
    [InlineData("Lion", typeof(Lion))]
    [InlineData("ftrl", typeof(Ftrl))]
    [InlineData("Ftrl", typeof(Ftrl))]
    public void Get_ByName(string name, Type type)
    {
        Assert.IsType(type, Nabla.Optimizers.Optimizer.Get(name));
        Assert.IsType(type, Nabla.Optimizers.Optimizer.Deserialize(name));
    }

    [Fact]
    public void UnknownName_ListsValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => Nabla.Optimizers.Optimizer.Get("lamb"));
        Assert.Contains("lamb", error.Message);
        Assert.Contains("rmsprop", error.Message);
        Assert.Contains("nadam", error.Message);
        Assert.DoesNotContain("Nadam", error.Message); // each optimizer once, by its Keras identifier
    }

    [Fact]
    public void Deserialize_KerasConfig()
    {
        // What Keras 3 writes for keras.optimizers.Adam(learning_rate=0.01) (learning rate read back from float32).
        const string json = """
            {"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam",
             "learning_rate": 0.009999999776482582, "weight_decay": null, "clipnorm": null, "global_clipnorm": null,
             "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
             "loss_scale_factor": null, "gradient_accumulation_steps": null, "beta_1": 0.9, "beta_2": 0.999,
             "epsilon": 1e-07, "amsgrad": false}, "registered_name": null}
            """;
        var adam = Assert.IsType<Adam>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse(json)));
        Assert.Equal(0.01, adam.LearningRate, 1e-8);
        Assert.Equal(1e-7, adam.Epsilon);
    }

    [Fact]
    public void UnknownKey_AndUnsupportedFeatures_Throw()
    {
        var config = new Adam().GetConfig();
        config["beta_3"] = 0.5;
        Assert.Contains("beta_3", Assert.Throws<ArgumentException>(() => Adam.FromConfig(config)).Message);

        config = new Adam().GetConfig();
        config["use_ema"] = true;
        Assert.Contains("use_ema", Assert.Throws<NotSupportedException>(() => Adam.FromConfig(config)).Message);

        config = new SGD().GetConfig();
        config["gradient_accumulation_steps"] = 4L;
        Assert.Throws<NotSupportedException>(() => SGD.FromConfig(config));
    }
}
