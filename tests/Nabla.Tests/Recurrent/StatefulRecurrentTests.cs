using Nabla.Autograd;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Keras's <c>stateful=True</c> (keras/src/layers/rnn/rnn.py: "the last state for each sample at index i in a batch will be
/// used as initial state for the sample of index i in the following batch"): a sequence cut in two calls gives what one call
/// on the whole gives, reset_states starts over, gradients stop at the call's start, and a model trained with it learns what
/// needs the previous batch.
/// </summary>
public class StatefulRecurrentTests
{
    private const int Batch = 3, Steps = 4, Features = 2, Units = 5;

    private static Tensor Sequence(int seed, int steps = Steps) => GradientCheck.Random(seed, -1, 1, Batch, steps, Features);

    public static TheoryData<string> Cells() => new() { "LSTM", "GRU", "SimpleRNN" };

    private static RecurrentLayer Make(string cell, bool stateful, bool returnSequences = false) => cell switch
    {
        "LSTM" => new LSTM(Units, returnSequences: returnSequences, stateful: stateful),
        "GRU" => new GRU(Units, returnSequences: returnSequences, stateful: stateful),
        _ => new SimpleRNN(Units, returnSequences: returnSequences, stateful: stateful),
    };

    private static void CopyWeights(Layer from, Layer to)
    {
        for (int i = 0; i < from.Weights.Count; i++) from.Weights[i].Data.CopyTo(to.Weights[i].Data, 0);
    }

    [Theory, MemberData(nameof(Cells))]
    public void TwoStatefulCallsGiveWhatOneCallOnTheWholeSequenceGives(string cell)
    {
        var (first, second) = (Sequence(1), Sequence(2));
        var whole = Tensor.Concat([first, second], axis: 1);
        var stateless = Make(cell, stateful: false);
        stateless.Build([2 * Steps, Features]);
        var stateful = Make(cell, stateful: true);
        stateful.Build([Steps, Features]);
        CopyWeights(stateless, stateful);
        Assert.Null(stateful.States);
        stateful.Call(first, training: false);
        Assert.Equal([Batch, Units], stateful.States![0].Shape);
        var carried = stateful.Call(second, training: false);
        var expected = stateless.Call(whole, training: false);
        for (int i = 0; i < expected.Size; i++) Assert.Equal(expected.Data[i], carried.Data[i], 1e-5);
        // reset_states: the next call starts from zeros again, as a fresh layer's first.
        stateful.ResetStates();
        var fresh = Make(cell, stateful: false);
        fresh.Build([Steps, Features]);
        CopyWeights(stateless, fresh);
        Assert.Equal(fresh.Call(second, training: false).Data, stateful.Call(second, training: false).Data);
    }

    [Fact]
    public void PredictRunsTheBatchesInOrderAndItsGraphRecordingLeavesTheStatesAlone()
    {
        // 8 batches of 64 sequences: enough values that a stateless model would predict them on parallel replicas.
        const int batch = 64, steps = 16, features = 8, batches = 8;
        var stateful = new Sequential(new LSTM(Units, stateful: true, inputShape: [steps, features]));
        // A bias that moves the state even on the zero placeholders a graph is recorded on.
        var bias = stateful.Layers[0].Weights[2];
        GradientCheck.Random(9, -0.5, 0.5, bias.Shape).Data.CopyTo(bias.Data, 0);
        var series = GradientCheck.Random(7, -1, 1, batch, batches * steps, features);
        var x = new Tensor(batches * batch, steps, features);
        for (int k = 0; k < batches; k++)
            for (int i = 0; i < batch; i++)
                series.Data.AsSpan((i * batches * steps + k * steps) * features, steps * features)
                    .CopyTo(x.Data.AsSpan(((k * batch + i) * steps) * features));
        var predicted = stateful.Predict(x, batchSize: batch);
        var whole = new LSTM(Units, returnSequences: true);
        whole.Build([batches * steps, features]);
        CopyWeights(stateful.Layers[0], whole);
        var sequence = whole.Call(series, training: false);
        for (int k = 0; k < batches; k++)
            for (int i = 0; i < batch; i++)
                for (int u = 0; u < Units; u++)
                    Assert.Equal(sequence[i, k * steps + steps - 1, u], predicted[k * batch + i, u], 1e-5);
    }

    [Fact]
    public void GradientsStopAtTheStartOfTheCall()
    {
        // Truncated backpropagation through time: the second call's gradients are those of a call from its initial states
        // held constant.
        var stateful = new LSTM(Units, stateful: true);
        stateful.Build([Steps, Features]);
        stateful.Call(Sequence(1), training: false);
        var starts = stateful.States!;
        var x = Sequence(2).RequireGrad();
        new Graph(Tensor.Sum(stateful.Call(x, training: true))).Backward();
        var statefulGrads = stateful.Weights.Select(w => w.Grad!.Data.ToArray()).Append(x.Grad!.Data.ToArray()).ToArray();

        var plain = new LSTM(Units);
        plain.Build([Steps, Features]);
        CopyWeights(stateful, plain);
        var x2 = Sequence(2).RequireGrad();
        new Graph(Tensor.Sum(plain.CallAll(x2, starts, training: true)[0])).Backward();
        var plainGrads = plain.Weights.Select(w => w.Grad!.Data.ToArray()).Append(x2.Grad!.Data.ToArray()).ToArray();
        for (int k = 0; k < plainGrads.Length; k++) Assert.Equal(plainGrads[k], statefulGrads[k]);
    }

    [Fact]
    public void AStatefulModelLearnsWhatOnlyThePreviousBatchShows()
    {
        // Four series of ±1 cut into samples of four steps, sample k of each series at row k·4 + series, so that row i of a
        // batch continues row i of the one before. Each step's target is the value two steps back: for the first two steps
        // of a sample only the carried state holds it (Keras's stateful recipe: batch size fixed, shuffle off,
        // reset_states between epochs). Stateless, those half of the targets stay unpredictable: a loss near 0.5.
        const int series = 4, samples = 40, steps = 4, lag = 2;
        var rng = new RandomGenerator(3);
        var values = new float[series, samples * steps];
        for (int s = 0; s < series; s++)
            for (int t = 0; t < samples * steps; t++) values[s, t] = rng.NextDouble() < 0.5 ? -1 : 1;
        var x = new Tensor(series * samples, steps, 1);
        var y = new Tensor(series * samples, steps, 1);
        for (int k = 0; k < samples; k++)
            for (int s = 0; s < series; s++)
                for (int j = 0; j < steps; j++)
                {
                    int t = k * steps + j, row = k * series + s;
                    x.Data[row * steps + j] = values[s, t];
                    y.Data[row * steps + j] = t >= lag ? values[s, t - lag] : 0;
                }
        double FinalLoss(bool stateful)
        {
            Utils.SetRandomSeed(4);
            var model = new Sequential(new LSTM(8, returnSequences: true, stateful: stateful, inputShape: [steps, 1]), new Dense(1));
            model.Compile(new Nabla.Optimizers.Adam(0.01), "mse");
            for (int epoch = 0; epoch < 30; epoch++)
            {
                model.Fit(x, y, epochs: 1, batchSize: series, shuffle: false, verbose: 0);
                model.ResetStates();
            }
            return model.Evaluate(x, y, batchSize: series)["loss"];
        }
        double stateless = FinalLoss(false), stateful = FinalLoss(true);
        Assert.True(stateless > 0.4, $"stateless loss {stateless}");
        Assert.True(stateful < 0.02, $"stateful loss {stateful}");
    }

    [Fact]
    public void AnotherBatchSizeOrAnInitialStateIsRefusedByName()
    {
        var layer = new GRU(Units, stateful: true, name: "g");
        layer.Call(Sequence(1), training: false);
        var batch = Assert.Throws<ArgumentException>(() => layer.Call(GradientCheck.Random(1, -1, 1, 2, Steps, Features), training: false));
        Assert.Contains("Layer 'g' (GRU) is stateful with batch size 3 (its states hold one row per sample) but this call has 2 samples", batch.Message);
        var initial = Assert.Throws<ArgumentException>(() => layer.CallAll(Sequence(1), [new Tensor(Batch, Units)], training: false));
        Assert.Contains("is stateful", initial.Message);
    }

    [Fact]
    public void TheBatchSizeAConfigDeclaresBindsTheStatesAndIsWrittenBack()
    {
        // Keras asks a stateful layer for its batch size ("If a RNN is stateful, it needs to know its batch size"), which
        // Keras 2 configs hold in batch_input_shape and Keras 3's in batch_shape.
        var layer = (LSTM)Layer.Deserialize(Config.Parse(
            """{"class_name": "LSTM", "config": {"name": "s", "units": 3, "stateful": true, "batch_input_shape": [4, 5, 2]}}"""));
        Assert.Equal(4, layer.StatefulBatchSize);
        Assert.Equal(new List<object?> { 4L, 5L, 2L }, layer.GetConfig()["batch_shape"]);
        var error = Assert.Throws<ArgumentException>(() => layer.Call(GradientCheck.Random(1, -1, 1, 2, 5, 2), training: false));
        Assert.Contains("is stateful with batch size 4", error.Message);
        var open = (LSTM)Layer.Deserialize(Config.Parse("""{"class_name": "LSTM", "config": {"units": 3, "stateful": true, "batch_shape": [null, 5, 2]}}"""));
        Assert.Null(open.StatefulBatchSize);
        open.Call(GradientCheck.Random(1, -1, 1, 2, 5, 2), training: false);
        Assert.Equal(2, open.StatefulBatchSize);
        Assert.Equal(new List<object?> { 2L, 5L, 2L }, open.GetConfig()["batch_shape"]);
    }

    [Fact]
    public void ConfigsCarryStatefulAndTheOnnxExportRefusesIt()
    {
        var layer = (LSTM)Layer.Deserialize(Config.Parse("""{"class_name": "LSTM", "config": {"units": 3, "stateful": true}}"""));
        Assert.True(layer.Stateful);
        Assert.Equal(true, layer.GetConfig()["stateful"]);
        var model = new Sequential(new LSTM(3, stateful: true, inputShape: [4, 2], name: "carried"), new Dense(1));
        var path = Path.Combine(Path.GetTempPath(), $"nabla-stateful-{Guid.NewGuid():N}.onnx");
        var error = Assert.ThrowsAny<Exception>(() => model.Export(path, "onnx"));
        Assert.Contains("'carried' (LSTM) is stateful", error.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void TheTrainingDoctorRefusesAStatefulModelByName()
    {
        var model = new Sequential([new LSTM(4, stateful: true, inputShape: [Steps, Features]), new Dense(1)], "carrying");
        model.Compile("adam", "mse");
        var error = Assert.Throws<NotSupportedException>(() =>
            model.Fit(Sequence(1), new Tensor(Batch, 1), batchSize: Batch, callbacks: [new Nabla.Doctor.TrainingDoctor()], verbose: 0));
        Assert.Contains("The training doctor does not examine model 'carrying' yet: it holds stateful layers", error.Message);
        Assert.Null(((LSTM)model.Layers[0]).States);
    }
}
