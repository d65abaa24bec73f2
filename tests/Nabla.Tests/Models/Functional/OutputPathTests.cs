using Nabla.Layers;

namespace Nabla.Tests.Models.Functional;

/// <summary><see cref="Model.OutputPath"/>: the layers back from the one output along calls on a single tensor.</summary>
public class OutputPathTests
{
    [Fact]
    public void ThePathRunsBackFromTheOutputToTheFirstMerge()
    {
        var inputs = new Input(shape: [6], name: "x");
        var h1 = new Dense(4, activation: "relu", name: "h1").Apply(inputs);
        var h2 = new Dense(4, activation: "relu", name: "h2").Apply(h1);
        var sum = new Add(name: "skip").Apply(h1, h2);
        var logits = new Dense(3, name: "logits").Apply(sum);
        var side = new Activation("tanh", name: "side").Apply(h2); // a branch that reaches no output
        var probabilities = new Activation("softmax", name: "probabilities").Apply(logits);
        var model = new Model(inputs, probabilities);
        Assert.DoesNotContain(model.OutputPath()!, l => l.Name == side.Layer.Name);
        Assert.Equal(["probabilities", "logits", "skip"], model.OutputPath()!.Select(l => l.Name));
    }

    [Fact]
    public void APlainChainRunsBackToItsInput()
    {
        var inputs = new Input(shape: [6], name: "x");
        var h = new Dense(4, activation: "relu", name: "h").Apply(inputs);
        var model = new Model(inputs, new Dense(2, name: "out").Apply(h));
        Assert.Equal(["out", "h"], model.OutputPath()!.Select(l => l.Name));
    }

    [Fact]
    public void ALayerCalledTwiceOnThePathOrSeveralOutputsGiveNoPath()
    {
        var inputs = new Input(shape: [4], name: "x");
        var shared = new Dense(4, name: "shared");
        var twice = shared.Apply(shared.Apply(inputs));
        Assert.Null(new Model(inputs, twice).OutputPath());

        var a = new Dense(2, name: "a").Apply(inputs);
        var b = new Dense(2, name: "b").Apply(inputs);
        Assert.Null(new Model([inputs], [a, b]).OutputPath());
    }
}
