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
}
