using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>The doctor on a channels-first model sees what it sees on the same model channels-last: a filter is a
/// unit whatever axis holds the channels.</summary>
[Collection(DoctorCollection.Name)]
public class ChannelsFirstDoctorTests
{
    private static Diagnosis Train(string dataFormat, int deadFilters = 6)
    {
        bool first = dataFormat == "channels_first";
        Utils.SetRandomSeed(11);
        var conv = new Conv2D(6, 3, activation: "relu", kernelInitializer: "he_normal", dataFormat: dataFormat,
            inputShape: first ? [2, 8, 8] : [8, 8, 2], name: "conv");
        var model = new Sequential(conv, new Flatten(dataFormat: dataFormat), new Dense(3, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        // The first filters start far below zero (bias -10): dead from the first step.
        for (int f = 0; f < deadFilters; f++) conv.Bias!.Data[f] = -10;
        var x = GradientCheck.Random(12, 0, 1, 96, 8, 8, 2);
        if (first) x = Tensor.Transpose(x, 0, 3, 1, 2);
        var y = Tensor.FromArray(Enumerable.Range(0, 96).Select(i => (float)(i % 3)).ToArray(), [96]);
        var doctor = new TrainingDoctor();
        model.Fit(x, y, epochs: 2, batchSize: 32, verbose: 0, callbacks: [doctor]);
        return doctor.Diagnosis;
    }

    [Fact]
    public void Dead_filters_are_found_channels_first_as_channels_last()
    {
        var last = Single(Train("channels_last"), FindingCodes.DeadRelu);
        var first = Single(Train("channels_first"), FindingCodes.DeadRelu);
        Assert.Equal("conv", first.Layer);
        Assert.Equal(1.0, Number(first, "dead_fraction"));
        Assert.Equal(Number(last, "dead_fraction"), Number(first, "dead_fraction"));

        // Four dead filters of six: the measured fraction is per filter, not per image column (a column of a
        // channels-first output has live filters in it, and would count as alive).
        double DeadShare(Diagnosis d) => d.Samples.Where(s => s.Layer == "conv").Select(s => s.DeadFraction).Last();
        Assert.Equal(4.0 / 6, DeadShare(Train("channels_first", deadFilters: 4)), 1e-9);
        Assert.Equal(4.0 / 6, DeadShare(Train("channels_last", deadFilters: 4)), 1e-9);
    }

    /// <summary>The doctor's input statistics read what the first weighted layer sees after the leading layers without
    /// a kernel. A channels-first BatchNormalization's moved-back output is not replayed when the next channels-first layer
    /// reads its channels-last result directly, so the doctor reads that result: after a replay on new data it holds
    /// the new batch normalized, features (channels) on the last axis.</summary>
    [Fact]
    public void Preprocessed_inputs_of_a_channels_first_model_follow_each_replay()
    {
        Utils.SetRandomSeed(2);
        var model = new Sequential(new InputLayer([2, 5, 5]), new BatchNormalization(axis: 1),
            new Conv2D(3, 3, dataFormat: "channels_first"), new Flatten(), new Dense(1));
        model.Compile("sgd", "mse");
        var step = new CapturedStep(model, StepKind.Predict, 4, [2, 5, 5], null);
        var x = GradientCheck.Random(3, -2, 2, 4, 2, 5, 5);
        step.LoadContiguous([x], null, 0);
        step.Run();
        var seen = ModelQuantities.PreprocessedInputs(model, step);
        Assert.Equal([4, 5, 5, 2], seen.Shape);
        // Inference with the starting statistics (mean 0, variance 1, gamma 1, beta 0): x / sqrt(1 + 1e-3), channels moved last.
        var expected = Tensor.Transpose(x, 0, 2, 3, 1);
        for (int i = 0; i < expected.Size; i++)
            Assert.Equal(expected.Data[i] / Math.Sqrt(1 + 1e-3), seen.Data[i], 1e-5);
    }
}
