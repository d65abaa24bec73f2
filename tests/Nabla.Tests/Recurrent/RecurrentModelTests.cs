using Nabla.Data;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>The issue's examples, built and trained as written.</summary>
public class RecurrentModelTests
{
    [Fact]
    public void EmbeddingLstmDenseTrainsAndSummarizesLikeKeras()
    {
        var model = new Sequential(
            new Embedding(inputDim: 10000, outputDim: 32, inputShape: [80]),
            new LSTM(64),
            new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy");
        var rng = new RandomGenerator(3);
        var x = new Tensor(16, 80);
        for (int i = 0; i < x.Size; i++) x.Data[i] = rng.NextInt(10000);
        var y = new Tensor(16, 1);
        for (int i = 0; i < 16; i++) y.Data[i] = i % 2;
        var history = model.Fit(x, y, epochs: 1, batchSize: 8, verbose: 0);
        Assert.True(double.IsFinite(history["loss"][^1]));
        string summary = model.Summary(TextWriter.Null);
        // Keras: Embedding 10000·32 = 320,000; LSTM 4·(32·64 + 64·64 + 64) = 24,832; Dense 65.
        Assert.Contains("320000", summary);
        Assert.Contains("24832", summary);
        Assert.Contains("344,897", summary);
    }

    [Fact]
    public void StackedSimpleRnnAndGruLearnTheAddingProblemBetterThanTheMean()
    {
        Utils.SetRandomSeed(5);
        var model = new Sequential(
            new SimpleRNN(16, returnSequences: true, inputShape: [10, 2]),
            new GRU(16),
            new Dense(1));
        model.Compile(new Nabla.Optimizers.Adam(0.01), "mse");
        var (x, y) = Synthetic.AddingProblem(512, 10, seed: 1);
        var history = model.Fit(x, y, epochs: 15, batchSize: 32, verbose: 0);
        // Predicting the mean gives 1/6; a model that reads the markers does far better.
        Assert.True(history["loss"][^1] < 0.05, $"final loss {history["loss"][^1]}");
    }
    [Fact]
    public void StackedAndBidirectionalExamplesRunAsWritten()
    {
        Utils.SetRandomSeed(6);
        var rnn = new Sequential(
            new SimpleRNN(32, returnSequences: true, inputShape: [100, 2]),
            new GRU(32),
            new Dense(1));
        var bi = new Sequential(new Bidirectional(new LSTM(32), inputShape: [50, 8]), new Dense(1));
        // Keras: SimpleRNN 2·32 + 32·32 + 32 = 1,120; GRU (reset_after) 3·(32·32 + 32·32 + 2·32) = 6,336; Dense 33.
        Assert.Equal(1120 + 6336 + 33, rnn.CountParams());
        // Keras: each LSTM direction 4·(8·32 + 32·32 + 32) = 5,248, twice; Dense(1) on the 64 concatenated units 65.
        Assert.Equal(2 * 5248 + 65, bi.CountParams());

        rnn.Compile("adam", "mse");
        var (x, y) = Synthetic.AddingProblem(64, 100, seed: 2);
        Assert.True(double.IsFinite(rnn.Fit(x, y, epochs: 1, batchSize: 32, verbose: 0)["loss"][^1]));

        bi.Compile("adam", "mse");
        var sequences = GradientCheck.Random(7, -1, 1, 64, 50, 8);
        var targets = GradientCheck.Random(8, -1, 1, 64, 1);
        Assert.True(double.IsFinite(bi.Fit(sequences, targets, epochs: 1, batchSize: 32, verbose: 0)["loss"][^1]));
        Assert.Equal([64, 1], bi.Predict(sequences).Shape);
    }
}
