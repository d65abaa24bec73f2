using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

/// <summary>Keras's <c>test_on_batch</c> and <c>predict_on_batch</c>: one batch through <c>Evaluate</c> and <c>Predict</c>.</summary>
public class OnBatchTests
{
    private static (Sequential model, Tensor x, Tensor y) Classifier()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(
            new Dense(8, activation: "relu", inputShape: [4]),
            new Dense(3, activation: "softmax"));
        model.Compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var (x, y) = Nabla.Data.Synthetic.Classification(48, 4, 3, seed: 5);
        return (model, x, y);
    }

    [Fact]
    public void TestOnBatch_gives_the_loss_and_metrics_of_Evaluate_over_the_batch_and_changes_no_weight()
    {
        var (model, x, y) = Classifier();
        var before = model.GetWeights().Select(w => w.Data.ToArray()).ToList();

        var logs = model.TestOnBatch(x, y);

        var evaluated = model.Evaluate(x, y, batchSize: 48);
        Assert.Equal(evaluated.Keys.Order(), logs.Keys.Order());
        foreach (var (key, value) in evaluated) Assert.Equal(value, logs[key], 1e-6);
        Assert.Equal(before, model.GetWeights().Select(w => w.Data.ToArray()).ToList());
        // A second call starts its metrics afresh (Keras 2's reset_metrics=True): the same batch, the same values.
        Assert.Equal(logs["accuracy"], model.TestOnBatch(x, y)["accuracy"]);
    }

    [Fact]
    public void TestOnBatch_after_TrainOnBatch_sees_the_updated_weights()
    {
        var (model, x, y) = Classifier();
        double first = model.TestOnBatch(x, y)["loss"];
        for (int i = 0; i < 20; i++) model.TrainOnBatch(x, y);
        Assert.True(model.TestOnBatch(x, y)["loss"] < first);
    }

    [Fact]
    public void TestOnBatch_weighs_the_loss_by_the_sample_weights()
    {
        var (model, x, y) = Classifier();
        var weights = new Tensor(48);
        for (int i = 0; i < 48; i++) weights.Data[i] = i < 24 ? 1f : 0f;
        var weighted = model.TestOnBatch(x, y, weights);
        Assert.Equal(model.Evaluate(x, y, batchSize: 48, sampleWeight: weights)["loss"], weighted["loss"], 1e-6);
        Assert.NotEqual(model.TestOnBatch(x, y)["loss"], weighted["loss"]);
    }

    [Fact]
    public void PredictOnBatch_equals_Predict()
    {
        var (model, x, _) = Classifier();
        Assert.Equal(model.Predict(x).Data, model.PredictOnBatch(x).Data);
    }

    [Fact]
    public void The_batch_methods_of_a_model_with_two_inputs_take_one_array_per_input()
    {
        Utils.SetRandomSeed(9);
        var left = new Input([3], name: "left");
        var right = new Input([2], name: "right");
        var joined = new Concatenate().Apply(left, right);
        var model = new Model([left, right], [new Dense(1, name: "out").Apply(joined)]);
        model.Compile(optimizer: "adam", loss: "mse");
        Tensor[] x = [GradientCheck.Random(1, -1, 1, 10, 3), GradientCheck.Random(2, -1, 1, 10, 2)];
        var y = GradientCheck.Random(3, -1, 1, 10, 1);

        Assert.Equal(model.Predict(x)[0].Data, model.PredictOnBatch(x)[0].Data);
        Assert.Equal(model.Evaluate(x, [y], batchSize: 10)["loss"], model.TestOnBatch(x, [y])["loss"], 1e-6);
        Assert.Throws<ArgumentException>(() => model.PredictOnBatch(Array.Empty<Tensor>()));
    }

    [Fact]
    public void TestOnBatch_before_Compile_names_itself()
    {
        var model = new Sequential(new Dense(2, inputShape: [3]));
        var error = Assert.ThrowsAny<Exception>(() => model.TestOnBatch(new Tensor(4, 3), new Tensor(4, 2)));
        Assert.Contains("TestOnBatch", error.Message);
    }
}
