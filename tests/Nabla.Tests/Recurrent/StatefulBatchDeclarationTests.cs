using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Where Keras finds a stateful model's batch size: Keras 3 in the InputLayer's batch_shape (keras/src/layers/rnn/rnn.py,
/// build: "When using `stateful=True` in a RNN, the batch size must be static"), Keras 2 in the first layer's
/// batch_input_shape. A stateful layer behind that declaration is bound to it, and a model writes the batch size its
/// states hold back there, so that Keras can load what Nabla saves.
/// </summary>
public class StatefulBatchDeclarationTests
{
    private static Model Reload(Model model) => KerasModelJson.FromConfig(Registry<Layer>.Serialize(model));

    private static List<object?> BatchShapeOf(Config modelConfig, int layer) =>
        (List<object?>)((Config)((List<object?>)modelConfig["layers"]!)[layer]!).GetConfig("config")!["batch_shape"]!;

    [Fact]
    public void AKeras3SequentialBindsItsStatefulLayerToTheInputLayersBatchSize()
    {
        var model = KerasModelJson.FromJson("""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "InputLayer", "config": {"name": "in", "batch_shape": [4, 5, 2]}},
              {"class_name": "LSTM", "config": {"name": "lstm", "units": 3, "stateful": true}},
              {"class_name": "Dense", "config": {"name": "d", "units": 1}}]}}
            """);
        var lstm = (LSTM)model.Layers.Single(l => l.Name == "lstm");
        Assert.Equal(4, lstm.StatefulBatchSize);
        var error = Assert.Throws<ArgumentException>(() => model.Predict(GradientCheck.Random(1, -1, 1, 2, 5, 2), batchSize: 2));
        Assert.Contains("is stateful with batch size 4", error.Message);
        Assert.Equal(new List<object?> { 4L, 5L, 2L }, BatchShapeOf(model.GetConfig(), 0));
    }

    [Fact]
    public void AKeras2StatefulLayerBehindAnEmbeddingTakesTheEmbeddingsBatchSizeAndItIsWrittenBackThere()
    {
        // tf.keras 2: Embedding(..., batch_input_shape=(4, 6)), then LSTM(stateful=True), which reads the batch from its input.
        var model = KerasModelJson.FromJson("""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [
              {"class_name": "Embedding", "config": {"name": "e", "input_dim": 10, "output_dim": 3, "batch_input_shape": [4, 6]}},
              {"class_name": "GRU", "config": {"name": "g", "units": 2, "stateful": true}}]}}
            """);
        Assert.Equal(4, ((GRU)model.Layers[1]).StatefulBatchSize);
        Assert.Equal(new List<object?> { 4L, 6L }, BatchShapeOf(model.GetConfig(), 0));
    }

    [Fact]
    public void AFunctionalModelWritesTheBatchSizeItsStatesHoldIntoItsInputLayer()
    {
        var input = new Input([5, 2], name: "x");
        var model = new Model(input, new Dense(1).Apply(new LSTM(3, stateful: true).Apply(input)));
        Assert.Null(BatchShapeOf(model.GetConfig(), 0)[0]);
        model.Predict(GradientCheck.Random(2, -1, 1, 3, 5, 2), batchSize: 3);
        Assert.Equal(new List<object?> { 3L, 5L, 2L }, BatchShapeOf(model.GetConfig(), 0));

        var reloaded = Reload(model);
        Assert.Equal(3, ((LSTM)reloaded.Layers.Single(l => l is LSTM)).StatefulBatchSize);
    }

    [Fact]
    public void InputsBatchSizeBindsAStatefulLayerAndAnotherDeclaredSizeIsRefusedByName()
    {
        var input = new Input([5, 2], batchSize: 4);
        var lstm = new LSTM(3, stateful: true, name: "carried");
        var model = new Model(input, lstm.Apply(input));
        Assert.Equal(4, lstm.StatefulBatchSize);
        Assert.Equal(new List<object?> { 4L, 5L, 2L }, BatchShapeOf(model.GetConfig(), 0));

        var other = new Input([5, 2], batchSize: 4);
        var bound = new LSTM(3, stateful: true, name: "bound") { StatefulBatchSize = 2 };
        var error = Assert.Throws<ArgumentException>(() => new Model(other, bound.Apply(other)));
        Assert.Contains("'bound' (LSTM) is stateful with batch size 2, but its model's input declares batch size 4", error.Message);
    }

    [Fact]
    public void AnyLayersDeclaredBatchSizeRoundTripsAsKerasKeepsIt()
    {
        // Keras keeps batch_shape whole in a layer's config (keras/src/layers/layer.py stores the batch_shape argument).
        var dense = Layer.Deserialize(Config.Parse("""{"class_name": "Dense", "config": {"name": "d", "units": 1, "batch_input_shape": [8, 3]}}"""));
        Assert.Equal(8, dense.DeclaredBatchSize);
        Assert.Equal(new List<object?> { 8L, 3L }, dense.GetConfig()["batch_shape"]);
        var error = Assert.Throws<ArgumentException>(() => new Input([3], batchSize: 0));
        Assert.Contains("a declared batch size must be positive, found 0", error.Message);
    }
}
