using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Regularizers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's activity regularizers: regularizer(output) added to the loss for every call, in full (Keras 3's
/// Layer.__call__ no longer divides by the batch size), read from and written to configs of any layer, and the
/// ActivityRegularization layer.</summary>
public class ActivityRegularizerTests
{
    private static (Tensor X, Tensor Y) Data() => (GradientCheck.Random(1, -1, 1, 6, 3), GradientCheck.Random(2, -1, 1, 6, 2));

    private static Sequential Model(Regularizer? activity, Layer? extra = null)
    {
        Utils.SetRandomSeed(3);
        var hidden = new Dense(4, activation: "relu", inputShape: [3]) { ActivityRegularizer = activity };
        var model = extra is null ? new Sequential(hidden, new Dense(2)) : new Sequential(hidden, extra, new Dense(2));
        model.Compile("sgd", "mse");
        return model;
    }

    [Fact]
    public void TheLossGainsTheRegularizerOfTheOutputOfEveryBatchUndivided()
    {
        var (x, y) = Data();
        var plain = Model(null);
        var regularized = Model(Regularizer.L1L2(l1: 0.01, l2: 0.02));
        regularized.SetWeights(plain.GetWeights());
        var hidden = new Sequential(regularized.Layers[0]).Predict(x, batchSize: 3);
        double Penalty(int first) => Enumerable.Range(first * 12, 12).Sum(i => 0.01 * Math.Abs(hidden.Data[i]) + 0.02 * hidden.Data[i] * hidden.Data[i]);
        // Two batches of 3: each batch's loss gains its own penalty; the epoch's loss is their mean.
        double expected = plain.Evaluate(x, y, batchSize: 3)["loss"] + (Penalty(0) + Penalty(1)) / 2;
        Assert.Equal(expected, regularized.Evaluate(x, y, batchSize: 3)["loss"], 1e-5);
        // Training on the captured step and evaluating on another graph read each its own penalty.
        regularized.Fit(x, y, epochs: 2, batchSize: 3, verbose: 0);
        Assert.True(double.IsFinite(regularized.Evaluate(x, y, batchSize: 6)["loss"]));
    }

    [Fact]
    public void TheGradientReachesTheLayerThroughItsOutput()
    {
        // Seeded: the L1 term's kink at 0 fails a finite difference taken across it, which unseeded weights could place there.
        Utils.SetRandomSeed(12);
        var layer = new Dense(3, activation: "tanh") { ActivityRegularizer = Regularizer.L1L2(0.05, 0.1) };
        layer.Build([4]);
        var x = GradientCheck.Random(4, -1, 1, 2, 4);
        GradientCheck.Check(t =>
        {
            layer.ClearActivityPenalties(); // as a model's forward pass does
            var output = layer.CallWithMask(t[0], training: true);
            return Tensor.Add(Tensor.Sum(output), layer.PenaltyLosses().Single());
        }, [x, layer.Kernel]);
    }

    [Fact]
    public void AnyLayerReadsAndWritesItsActivityRegularizer()
    {
        var dense = Layer.Deserialize(Config.Parse(
            """{"class_name": "Dense", "config": {"units": 4, "activity_regularizer": {"class_name": "L1", "config": {"l1": 0.003}}}}"""));
        Assert.Equal((0.003, 0.0), (dense.ActivityRegularizer!.L1, dense.ActivityRegularizer.L2));
        Assert.Equal("L1", ((Config)dense.GetConfig()["activity_regularizer"]!).GetString("class_name"));
        var flatten = Layer.Deserialize(Config.Parse("""{"class_name": "Flatten", "config": {"activity_regularizer": "l2"}}"""));
        Assert.Equal(0.01, flatten.ActivityRegularizer!.L2);
        Assert.Equal(flatten.GetConfig().ToJsonString(), Layer.Deserialize(Registry<Layer>.Serialize(flatten)).GetConfig().ToJsonString());
        // A class's own FromConfig, called directly, refuses the key rather than drop it.
        var direct = Assert.Throws<ArgumentException>(() => Dense.FromConfig(Config.Parse("""{"units": 4, "activity_regularizer": "l2"}""")));
        Assert.Contains("activity_regularizer", direct.Message);
    }

    [Fact]
    public void ActivityRegularizationPassesItsInputAndPenalizesIt()
    {
        // activity_regularization.py: ActivityRegularization(l1=0.0, l2=0.0), config keys l1 and l2.
        var defaults = (ActivityRegularization)Layer.Deserialize(Config.Parse("""{"class_name": "ActivityRegularization", "config": {}}"""));
        Assert.Equal((0.0, 0.0), (defaults.L1, defaults.L2));
        var layer = new ActivityRegularization(l1: 0.5);
        var config = layer.GetConfig();
        Assert.False(config.ContainsKey("activity_regularizer"));
        Assert.Equal(0.5, config["l1"]);
        var x = Tensor.FromArray([1f, -2f, 3f], 1, 3);
        Assert.Same(x, layer.CallWithMask(x, false));
        Assert.Equal(3f, layer.PenaltyLosses().Single().Item(), 1e-5);
    }
}
