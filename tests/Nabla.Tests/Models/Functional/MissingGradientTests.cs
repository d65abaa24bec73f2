using Nabla.Layers;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

public class MissingGradientTests
{
    [Fact]
    public void AHealthyResidualModelHasNoMissingGradient()
    {
        var input = new Input([4]);
        var h = new Dense(4, activation: "relu").Apply(input);
        var model = new Model(input, new Dense(2).Apply(new Add().Apply(h, new Dense(4).Apply(h))));
        model.Compile("adam", "mse");
        Assert.Empty(model.FindMissingGradients());
    }

    [Fact]
    public void ARoundingLambdaIsNamedAsTheBlockerOfTheWeightsBeforeIt()
    {
        var input = new Input([4]);
        var first = new Dense(3, name: "before_round");
        var rounded = new Lambda(x => Tensor.Round(x), name: "rounding").Apply(first.Apply(input));
        var model = new Model(input, new Dense(1, name: "after_round").Apply(rounded));
        model.Compile("sgd", "mse");
        var missing = model.FindMissingGradients();
        Assert.Equal(["before_round/kernel", "before_round/bias"], missing.Select(m => m.Weight.Name));
        Assert.All(missing, m =>
        {
            Assert.Equal(MissingGradientReason.GradientBlocked, m.Reason);
            Assert.Equal("round", m.BlockingOp);
            Assert.Equal("rounding", m.BlockingLayer!.Name);
            Assert.Contains("'rounding' (Lambda)", m.Explanation);
        });
        // Confirmed by a real step: those weights get no gradient, the later layer does.
        var x = GradientCheck.Random(1, -1, 1, 8, 4);
        var gradients = model.ComputeGradients(x, new Tensor(8, 1));
        Assert.Null(gradients[0]);
        Assert.NotNull(gradients[2]);
    }

    [Fact]
    public void AnOutputWithoutALossAndAFrozenLayerAreNamed()
    {
        var input = new Input([4]);
        var trunk = new Dense(4, name: "trunk").Apply(input);
        var frozen = new Dense(4, name: "frozen") { Trainable = false };
        var main = new Dense(1, name: "main").Apply(frozen.Apply(trunk));
        var aux = new Dense(1, name: "aux").Apply(trunk);
        var model = new Model(input, [main, aux]);
        model.Compile("adam", new object?[] { "mse", null });
        var missing = model.FindMissingGradients().ToDictionary(m => m.Weight.Name!);
        Assert.Equal(MissingGradientReason.Frozen, missing["frozen/kernel"].Reason);
        Assert.Equal(MissingGradientReason.ReachesNoLoss, missing["aux/kernel"].Reason);
        Assert.Contains("no output with a loss", missing["aux/kernel"].Explanation);
        Assert.False(missing.ContainsKey("trunk/kernel"));
    }

    [Fact]
    public void ALoadedLayerThatReachesNoOutputIsNamed()
    {
        const string json = """
        {"class_name": "Functional", "config": {"name": "dangling", "layers": [
          {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": [null, 4], "name": "x"}, "inbound_nodes": []},
          {"class_name": "Dense", "name": "used", "config": {"name": "used", "units": 2}, "inbound_nodes": [[["x", 0, 0, {}]]]},
          {"class_name": "Dense", "name": "forgotten", "config": {"name": "forgotten", "units": 5}, "inbound_nodes": [[["x", 0, 0, {}]]]}
        ], "input_layers": [["x", 0, 0]], "output_layers": [["used", 0, 0]]}}
        """;
        var model = Nabla.Serialization.KerasModelJson.FromJson(json);
        model.Compile("adam", "mse");
        var missing = model.FindMissingGradients();
        Assert.Equal(["forgotten/kernel", "forgotten/bias"], missing.Select(m => m.Weight.Name));
        Assert.Contains("'forgotten' reaches no output", missing[0].Explanation);
    }

    [Fact]
    public void AModelWithALambdaCannotBeSavedWholeAndTheFileIsNotWritten()
    {
        var input = new Input([3]);
        var model = new Model(input, new Lambda(x => x * 2f, name: "double").Apply(new Dense(2).Apply(input)));
        using var folder = new TempFolder();
        string path = folder.File("lambda.keras");
        var e = Assert.Throws<NotSupportedException>(() => model.Save(path));
        Assert.Contains("'double' (Lambda)", e.Message);
        Assert.False(File.Exists(path));
        Assert.Equal([2], model.OutputShape!);
    }
}
