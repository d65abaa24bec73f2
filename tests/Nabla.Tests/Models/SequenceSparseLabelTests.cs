using Nabla.Layers;

namespace Nabla.Tests.Models;

/// <summary>Integer labels per timestep for a sparse loss on a sequence output, as Keras accepts them: the output's
/// shape without its class axis ([N, steps]) or with a class axis of 1 ([N, steps, 1]).</summary>
public class SequenceSparseLabelTests
{
    private const int Samples = 24, Steps = 6, Classes = 3;

    private static (Tensor X, Tensor Labels) Data()
    {
        var x = new Tensor([Samples, Steps, 2]);
        var labels = new Tensor([Samples, Steps]);
        for (int i = 0; i < Samples; i++)
            for (int t = 0; t < Steps; t++)
            {
                float a = (float)Math.Sin(i * 0.7 + t), b = (float)Math.Cos(i * 0.3 - t);
                x.Data[(i * Steps + t) * 2] = a;
                x.Data[(i * Steps + t) * 2 + 1] = b;
                labels.Data[i * Steps + t] = a > 0.3f ? 2 : b > 0 ? 1 : 0;
            }
        return (x, labels);
    }

    private static (IReadOnlyList<double> Loss, IReadOnlyList<Tensor> Weights) Train(Tensor x, Tensor y, string loss)
    {
        Utils.SetRandomSeed(5);
        var model = new Sequential(
            new LSTM(4, returnSequences: true, inputShape: [Steps, 2]),
            new TimeDistributed(new Dense(Classes, activation: "softmax")));
        model.Compile("adam", loss);
        var history = model.Fit(x, y, epochs: 3, batchSize: 8, shuffle: false, verbose: 0);
        return (history["loss"], model.GetWeights());
    }

    private static Tensor OneHot(Tensor labels)
    {
        var rows = new Tensor([Samples, Steps, Classes]);
        for (int i = 0; i < labels.Size; i++) rows.Data[i * Classes + (int)labels.Data[i]] = 1;
        return rows;
    }

    [Fact]
    public void Labels_per_step_train_exactly_as_their_one_hot_rows_under_categorical_crossentropy()
    {
        var (x, labels) = Data();
        var dense = Train(x, OneHot(labels), "categorical_crossentropy");
        var flat = Train(x, labels, "sparse_categorical_crossentropy");
        var column = Train(x, Tensor.FromArray(labels.Data, Samples, Steps, 1), "sparse_categorical_crossentropy");
        for (int e = 0; e < dense.Loss.Count; e++)
        {
            Assert.Equal(dense.Loss[e], flat.Loss[e], 1e-5);
            Assert.Equal(flat.Loss[e], column.Loss[e]);
        }
        for (int w = 0; w < dense.Weights.Count; w++)
            for (int i = 0; i < dense.Weights[w].Size; i++)
                Assert.Equal(dense.Weights[w].Data[i], flat.Weights[w].Data[i], 1e-4);
    }

    [Fact]
    public void Labels_of_another_sequence_length_are_refused_naming_both_shapes()
    {
        var (x, _) = Data();
        var model = new Sequential(
            new LSTM(4, returnSequences: true, inputShape: [Steps, 2]),
            new TimeDistributed(new Dense(Classes, activation: "softmax")));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var error = Assert.Throws<ArgumentException>(() => model.Fit(x, new Tensor([Samples, Steps - 1]), verbose: 0));
        Assert.Contains("(None, 5)", error.Message);
        Assert.Contains("outputs (None, 6, 3)", error.Message);
    }

    [Fact]
    public void A_label_outside_the_classes_is_refused()
    {
        var (x, labels) = Data();
        labels.Data[7] = Classes;
        var model = new Sequential(
            new LSTM(4, returnSequences: true, inputShape: [Steps, 2]),
            new TimeDistributed(new Dense(Classes, activation: "softmax")));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var error = Assert.Throws<ArgumentException>(() => model.Fit(x, labels, verbose: 0));
        Assert.Contains("0..2", error.Message);
    }
}
