using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Configuration;

namespace Nabla.Tests.Reliability;

/// <summary>Numbers that cannot be right are refused on load, with the field named.</summary>
public class VerifiedStateTests
{
    [Theory]
    [InlineData("""{"class_name":"RandomNormal","config":{"stddev":1e400}}""", "stddev")]
    [InlineData("""{"class_name":"VarianceScaling","config":{"scale":1e400}}""", "scale")]
    [InlineData("""{"class_name":"RandomNormal","config":{"stddev":-1}}""", "stddev")]
    public void InitializerConfigsWithImpossibleNumbersAreRefused(string json, string field)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Initializer.Deserialize(Config.Parse(json)));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void ARegularizerOf1e400IsRefused()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Nabla.Regularizers.Regularizer.Registry.Deserialize(Config.Parse("""{"class_name":"L2","config":{"l2":1e400}}""")));
        Assert.Contains("l2", e.Message);
        Assert.Throws<ArgumentException>(() => Nabla.Regularizers.Regularizer.L2Penalty(double.PositiveInfinity));
    }

    [Fact]
    public void ANormalizationWithANegativeVarianceIsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Normalization(mean: [0f, 1f], variance: [1f, -1f]));
        Assert.Contains("'variance'[1]", e.Message);
        var model = new Sequential(new Normalization(mean: [0f], variance: [1f], inputShape: [1]));
        var weights = model.GetWeights();
        weights[1].Data[0] = -1;
        Assert.Throws<ArgumentException>(() => model.SetWeights(weights));
    }

    [Fact]
    public void NaNWeightsAreRefusedWithTheWeightNamedAndNothingWritten()
    {
        var model = new Sequential(new Dense(2, inputShape: [3]));
        var original = model.GetWeights();
        var bad = model.GetWeights();
        bad[0].Data[4] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => model.SetWeights(bad));
        Assert.Contains("kernel", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Equal(original[0].Data, model.GetWeights()[0].Data);
    }

    [Fact]
    public void OptimizerStateOutOfRangeIsRefused()
    {
        var adam = new Adam();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => adam.Iterations = long.MaxValue);
        Assert.Contains("iterations", e.Message);
        adam.Iterations = Optimizer.MaxIterations;
        var w = new Tensor(3) { Name = "w" };
        var negative = Assert.Throws<ArgumentException>(() => adam.RestoreState(w, "velocity", [1f, -2f, 0f]));
        Assert.Contains("velocity", negative.Message);
        Assert.Contains("[1]", negative.Message);
        Assert.Throws<ArgumentException>(() => adam.RestoreState(w, "momentum", [float.NaN, 0f, 0f]));
        adam.RestoreState(w, "momentum", [-1f, 0f, 1f]); // first moments may be negative
    }
}
