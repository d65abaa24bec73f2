using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

public class FunctionalModelTests
{
    [Fact]
    public void TheIssuesResidualMlpRunsAsWrittenAndLearns()
    {
        var (_, x, y, _) = SeedData.Make(samples: 600);
        Utils.SetRandomSeed(7);
        var inputs = new Input(shape: [784]);
        var h1 = new Dense(64, activation: "relu").Apply(inputs);
        var h2 = new Dense(64, activation: "relu").Apply(h1);
        var sum = new Add().Apply(h1, h2);
        var outputs = new Dense(10, activation: "softmax").Apply(sum);
        var model = new Model(inputs, outputs, name: "residual_mlp");
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(x, y, epochs: 5, verbose: 0);

        var loss = history["loss"];
        Assert.Equal(5, loss.Count);
        Assert.True(loss[4] < loss[0] / 2, $"losses {string.Join(", ", loss)}");
        Assert.True(history["accuracy"][4] > 0.9, $"accuracy {history["accuracy"][4]}");
        Assert.Equal(["InputLayer", "Dense", "Dense", "Add", "Dense"], model.Layers.Select(l => l.ClassName));
        Assert.Equal("Functional", model.ClassName);
        Assert.Equal(784 * 64 + 64 + 64 * 64 + 64 + 64 * 10 + 10, model.CountParams());
    }

    /// <summary>The same chain built functionally and as a Sequential, with the same weights, trains to the same bits.</summary>
    [Fact]
    public void AFunctionalChainTrainsBitwiseLikeTheSameSequential()
    {
        var (_, x, y, _) = SeedData.Make(samples: 200);
        Utils.SetRandomSeed(3);
        var sequential = new Sequential(new Dense(32, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        var input = new Input([784]);
        var functional = new Model(input, new Dense(10, activation: "softmax").Apply(new Dense(32, activation: "relu").Apply(input)));
        functional.SetWeights(sequential.GetWeights());
        sequential.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        functional.Compile("adam", "categorical_crossentropy", ["accuracy"]);

        Utils.SetRandomSeed(5);
        var a = sequential.Fit(x, y, epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 0);
        Utils.SetRandomSeed(5);
        var b = functional.Fit(x, y, epochs: 2, batchSize: 16, validationSplit: 0.25, verbose: 0);

        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var key in a.Keys) Assert.Equal(a[key], b[key]);
        Assert.Equal(sequential.Predict(x).Data, functional.Predict(x).Data);
    }

    [Fact]
    public void CallingALayerTwiceSharesItsWeightsAndSumsTheirGradients()
    {
        Utils.SetRandomSeed(1);
        var a = new Input([4], name: "a");
        var b = new Input([4], name: "b");
        var shared = new Dense(3, name: "shared");
        var model = new Model([a, b], new Add().Apply(shared.Apply(a), shared.Apply(b)));
        Assert.Equal(2, shared.InboundNodes.Count);
        Assert.Equal(2, model.Weights.Count); // one kernel, one bias
        Assert.Single(model.Layers, l => l == shared);

        // Add(Dense(a), Dense(b)) = (a + b)·W + 2·bias: the same outputs from one call on a + b.
        var xa = GradientCheck.Random(2, -1, 1, 5, 4);
        var xb = GradientCheck.Random(3, -1, 1, 5, 4);
        var outputs = model.Predict([xa, xb])[0];
        var kernel = shared.Kernel;
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 3; j++)
            {
                double expected = 0;
                for (int k = 0; k < 4; k++) expected += (xa.Data[i * 4 + k] + xb.Data[i * 4 + k]) * kernel.Data[k * 3 + j];
                Assert.Equal(expected, outputs.Data[i * 3 + j], 1e-4);
            }

        model.Compile("sgd", "mse");
        var target = new Tensor(5, 3);
        var gradients = model.ComputeGradients([xa, xb], [target]);
        // d(mean((o)^2))/dbias = 2·mean over the batch of 2·o, per unit / 3: the bias is used twice per sample.
        var bias = gradients[1]!;
        for (int j = 0; j < 3; j++)
        {
            double expected = 0;
            for (int i = 0; i < 5; i++) expected += 2 * outputs.Data[i * 3 + j] * 2 / (5.0 * 3);
            Assert.Equal(expected, bias.Data[j], 1e-4);
        }
    }

    [Fact]
    public void LayersOfAFunctionalModelFollowKerasDepthOrder()
    {
        // keras/src/ops/function.py map_graph: decreasing depth, ties in the order met walking back from the outputs.
        var input = new Input([8], name: "in");
        var left = new Dense(4, name: "left").Apply(input);
        var right = new Dense(4, name: "right").Apply(new Dense(4, name: "right_first").Apply(input));
        var merged = new Concatenate(name: "join").Apply(left, right);
        var model = new Model(input, new Dense(2, name: "head").Apply(merged));
        Assert.Equal(["in", "right_first", "left", "right", "join", "head"], model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void AnInputOutsideTheModelsInputsIsAGraphDisconnectedError()
    {
        var a = new Input([2], name: "first");
        var b = new Input([2], name: "second");
        var e = Assert.Throws<ArgumentException>(() => new Model(a, new Add().Apply(a, b)));
        Assert.Contains("Graph disconnected", e.Message);
        Assert.Contains("second", e.Message);
    }

    [Fact]
    public void DuplicateLayerNamesAreRefused()
    {
        var input = new Input([2]);
        var first = new Dense(2, name: "same").Apply(input);
        var e = Assert.Throws<ArgumentException>(() => new Model(input, new Dense(2, name: "same").Apply(first)));
        Assert.Contains("\"same\"", e.Message);
    }

    [Fact]
    public void ApplyingALayerToAnotherShapeNamesTheLayerAndBothShapes()
    {
        var dense = new Dense(3, name: "d");
        dense.Apply(new Input([4]));
        var e = Assert.Throws<ArgumentException>(() => dense.Apply(new Input([5])));
        Assert.Contains("'d'", e.Message);
        Assert.Contains("(None, 4)", e.Message);
        Assert.Contains("(None, 5)", e.Message);
    }

    [Fact]
    public void SteadyStateTrainingStepOfAResidualModelAllocatesNothing()
    {
        var (_, x, y, _) = SeedData.Make(samples: 32);
        Utils.SetRandomSeed(3);
        var input = new Input([784]);
        var h1 = new Dense(64, activation: "relu").Apply(input);
        var h2 = new Dense(64, activation: "relu").Apply(h1);
        var model = new Model(input, new Dense(10, activation: "softmax").Apply(new Add().Apply(h1, h2)));
        model.Compile("adam", "categorical_crossentropy");
        long allocated = Nabla.Tests.TestSupport.SteadyStateAllocation.OfTrainOnBatch(model, x, y);
        Assert.True(allocated == 0, $"20 steady-state steps allocated {allocated} bytes.");
    }

    [Fact]
    public void SummaryHasKerasConnectedToColumn()
    {
        var input = new Input([4], name: "x_in");
        var h = new Dense(3, name: "h").Apply(input);
        var g = new Dense(3, name: "g").Apply(h);
        var model = new Model(input, new Add(name: "sum").Apply(h, g), name: "tiny");
        var text = model.Summary(TextWriter.Null);
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("Connected to", lines[2]);
        Assert.Matches(@"^ x_in \(InputLayer\)\s+\(None, 4\)\s+0\s+-$", lines[4]);
        Assert.Matches(@"^ h \(Dense\)\s+\(None, 3\)\s+15\s+x_in\[0\]\[0\]$", lines[5]);
        int sum = lines.FindIndex(l => l.StartsWith(" sum (Add)"));
        Assert.EndsWith("h[0][0]", lines[sum]);
        Assert.Equal("g[0][0]", lines[sum + 1].Trim());
        Assert.Contains("Total params: 27", text);
    }
}
