using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

public class SubclassedModelTests
{
    /// <summary>Keras's subclassing pattern: layers as fields, the forward pass in Call, with a residual connection.</summary>
    private sealed class ResidualClassifier : Model
    {
        private readonly Dense hidden = new(32, activation: "relu", name: "hidden");
        private readonly Dense inner = new(32, activation: "relu", name: "inner");
        private readonly Dense head = new(10, activation: "softmax", name: "head");

        public ResidualClassifier() : base("residual_classifier") { }

        public override Tensor Call(Tensor inputs, bool training = false)
        {
            var h = hidden.Call(inputs, training);
            return head.Call(h + inner.Call(h, training), training);
        }
    }

    [Fact]
    public void ASubclassedModelTrainsEvaluatesPredictsAndSummarizes()
    {
        var (_, x, y, _) = SeedData.Make(samples: 300);
        Utils.SetRandomSeed(9);
        var model = new ResidualClassifier();
        model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 4, batchSize: 32, verbose: 0);
        Assert.True(history["loss"][3] < history["loss"][0] / 2, string.Join(", ", history["loss"]));
        Assert.Equal(["hidden", "inner", "head"], model.Layers.Select(l => l.Name));
        Assert.Equal(6, model.TrainableWeights.Count);
        Assert.Equal([10], model.OutputShape!);
        Assert.True(model.Evaluate(x, y)["accuracy"] > 0.9);
        Assert.Equal([300, 10], model.Predict(x).Shape);
        Assert.Contains("hidden (Dense)", model.Summary(TextWriter.Null));
        Assert.Throws<NotSupportedException>(() => Nabla.Serialization.KerasModelJson.ToJson(model));
    }

    [Fact]
    public void ASubclassedModelsSteadyStateStepAllocatesNothing()
    {
        var (_, x, y, _) = SeedData.Make(samples: 32);
        var model = new ResidualClassifier();
        model.Compile("adam", "categorical_crossentropy");
        long allocated = Nabla.Tests.TestSupport.SteadyStateAllocation.OfTrainOnBatch(model, x, y);
        Assert.True(allocated == 0, $"20 steady-state steps allocated {allocated} bytes.");
    }

    [Fact]
    public void AModelWithoutGraphOrCallSaysWhatToDo()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new EmptyModel().Call(new Tensor(1, 2)));
        Assert.Contains("override Call", e.Message);
    }

    private sealed class EmptyModel : Model;
}
