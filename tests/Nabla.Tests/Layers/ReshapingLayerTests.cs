using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's reshaping layers (keras/src/layers/reshaping/): values on small inputs written out by hand, Keras's
/// defaults and configs, finite differences, and refusals that name the layer.</summary>
public class ReshapingLayerTests
{
    private static Tensor Counting(params int[] shape)
    {
        var x = new Tensor(shape);
        for (int i = 0; i < x.Size; i++) x.Data[i] = i;
        return x;
    }

    [Fact]
    public void KerasDefaultsAreOneStepOrNoneCroppedOneStepPaddedAndTwiceUpsampled()
    {
        // cropping1d.py cropping=(1, 1); cropping2d.py cropping=((0, 0), (0, 0)); zero_padding1d.py padding=1;
        // up_sampling1d.py size=2; up_sampling2d.py size=(2, 2), interpolation="nearest".
        Assert.Equal(new Sides1D(1, 1), new Cropping1D().Cropping);
        Assert.Equal(new Padding2D(0, 0, 0, 0), new Cropping2D().Cropping);
        Assert.Equal(new Sides1D(1, 1), new ZeroPadding1D().Padding);
        Assert.Equal(2, new UpSampling1D().Size);
        Assert.Equal(new Size2D(2, 2), new UpSampling2D().Size);
        foreach (var json in new[] { "Cropping1D", "Cropping2D", "ZeroPadding1D", "UpSampling1D", "UpSampling2D" })
            Assert.Equal(json, Layer.Deserialize(Config.Parse($"{{\"class_name\": \"{json}\", \"config\": {{}}}}")).ClassName);
    }

    [Fact]
    public void CroppingAndPaddingMoveTheRightSteps()
    {
        var x = Counting(1, 5, 2); // steps (0, 1), (2, 3), ..., (8, 9)
        Assert.Equal([2f, 3f, 4f, 5f], new Cropping1D((1, 2)).Call(x, false).Data);
        Assert.Equal([0f, 0f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f, 0f, 0f, 0f, 0f], new ZeroPadding1D((1, 2)).Call(x, false).Data);
        var image = Counting(1, 3, 4, 1);
        var cropped = new Cropping2D(((1, 0), (1, 2))).Call(image, false);
        Assert.Equal([1, 2, 1, 1], cropped.Shape);
        Assert.Equal([5f, 9f], cropped.Data);
    }

    [Fact]
    public void UpSamplingRepeatsStepsAndPixelsAsNearestNeighbours()
    {
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 1f, 2f, 3f, 2f, 3f, 2f, 3f], new UpSampling1D(3).Call(Counting(1, 2, 2), false).Data);
        var y = new UpSampling2D((2, 3)).Call(Counting(1, 2, 2, 1), false);
        Assert.Equal([1, 4, 6, 1], y.Shape);
        Assert.Equal(new float[] { 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 2, 2, 2, 3, 3, 3 }, y.Data);
    }

    [Fact]
    public void BilinearUpSamplingUsesHalfPixelCentresAsTensorFlowsResize()
    {
        // Output cell o reads input coordinate (o + ½)/2 − ½, clamped: 0, 0.25, 0.75, 1.25 → cells 0, ¼ of the way, ¾, the last.
        var y = new UpSampling2D((1, 2), interpolation: "bilinear").Call(Tensor.FromArray([0f, 1f], 1, 1, 2, 1), false);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], y.Data);
        GradientCheck.Check(t => new UpSampling2D((3, 2), interpolation: "bilinear").Call(t[0], true), [GradientCheck.Random(9, -1, 1, 2, 3, 4, 2)]);
        var read = (UpSampling2D)Layer.Deserialize(Config.Parse("""{"class_name": "UpSampling2D", "config": {"size": [2, 2], "interpolation": "bilinear"}}"""));
        Assert.Equal("bilinear", read.Interpolation);
        Assert.Equal("bilinear", read.GetConfig()["interpolation"]);
    }

    [Fact]
    public void RepeatVectorAndPermuteReshapeSamples()
    {
        var repeated = new RepeatVector(3).Call(Counting(2, 2), false);
        Assert.Equal([2, 3, 2], repeated.Shape);
        Assert.Equal([0f, 1f, 0f, 1f, 0f, 1f, 2f, 3f, 2f, 3f, 2f, 3f], repeated.Data);
        var permuted = new Permute([2, 1]).Call(Counting(1, 2, 3), false);
        Assert.Equal([1, 3, 2], permuted.Shape);
        Assert.Equal([0f, 3f, 1f, 4f, 2f, 5f], permuted.Data);
    }

    [Fact]
    public void EveryLayerMatchesFiniteDifferences()
    {
        var sequence = GradientCheck.Random(1, -1, 1, 2, 5, 3);
        var image = GradientCheck.Random(2, -1, 1, 2, 4, 5, 2);
        GradientCheck.Check(t => new Cropping1D((2, 1)).Call(t[0], true), [sequence]);
        GradientCheck.Check(t => new ZeroPadding1D((0, 2)).Call(t[0], true), [sequence]);
        GradientCheck.Check(t => new UpSampling1D(2).Call(t[0], true), [sequence]);
        GradientCheck.Check(t => new Permute([2, 1]).Call(t[0], true), [sequence]);
        GradientCheck.Check(t => new Cropping2D(((1, 1), (0, 2))).Call(t[0], true), [image]);
        GradientCheck.Check(t => new UpSampling2D((3, 2)).Call(t[0], true), [image]);
        GradientCheck.Check(t => new Permute([3, 1, 2]).Call(t[0], true), [image]);
        GradientCheck.Check(t => new RepeatVector(4).Call(t[0], true), [GradientCheck.Random(3, -1, 1, 3, 2)]);
    }

    [Fact]
    public void KerasConfigsLoadInEveryForm()
    {
        var crop = (Cropping2D)Layer.Deserialize(Config.Parse("""{"class_name": "Cropping2D", "config": {"cropping": [[1, 2], [3, 4]], "data_format": "channels_last"}}"""));
        Assert.Equal(new Padding2D(1, 2, 3, 4), crop.Cropping);
        var symmetric = (Cropping2D)Layer.Deserialize(Config.Parse("""{"class_name": "Cropping2D", "config": {"cropping": [1, 2]}}"""));
        Assert.Equal(new Padding2D(1, 1, 2, 2), symmetric.Cropping);
        var pad = (ZeroPadding1D)Layer.Deserialize(Config.Parse("""{"class_name": "ZeroPadding1D", "config": {"padding": [0, 3]}}"""));
        Assert.Equal(new Sides1D(0, 3), pad.Padding);
        var up = (UpSampling2D)Layer.Deserialize(Config.Parse("""{"class_name": "UpSampling2D", "config": {"size": 3}}"""));
        Assert.Equal(new Size2D(3, 3), up.Size);
        var permute = (Permute)Layer.Deserialize(Config.Parse("""{"class_name": "Permute", "config": {"dims": [2, 1]}}"""));
        Assert.Equal([2, 1], permute.Dims);
        Assert.Equal(5, ((RepeatVector)Layer.Deserialize(Config.Parse("""{"class_name": "RepeatVector", "config": {"n": 5}}"""))).N);
    }

    [Fact]
    public void WhatNablaDoesNotImplementOrCannotComputeIsRefusedByName()
    {
        Assert.Contains("bicubic", Assert.Throws<NotSupportedException>(() => new UpSampling2D(interpolation: "bicubic", name: "u")).Message);
        Assert.Contains("found \"NHWC\"", Assert.Throws<ArgumentException>(() => new Cropping2D(dataFormat: "NHWC")).Message);
        Assert.Contains("permutation", Assert.Throws<ArgumentException>(() => new Permute([0, 1])).Message);
        var error = Assert.Throws<ArgumentException>(() => new Sequential(new Cropping1D((3, 2), inputShape: [5, 2], name: "c")));
        Assert.Contains("'c'", error.Message);
        Assert.Contains("leaves no step", error.Message);
    }

    [Fact]
    public void AnEncoderDecoderOfThemTrains()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(new ZeroPadding1D(1, inputShape: [6, 2]), new Conv1D(4, 3, activation: "relu"), new Flatten(),
            new Dense(3), new RepeatVector(2), new LSTM(4, returnSequences: true), new UpSampling1D(3), new Permute([2, 1]),
            new Cropping1D((0, 2)), new Permute([2, 1]), new Dense(2));
        Assert.Equal([6, 2], model.OutputShape!);
        model.Compile("adam", "mse");
        var x = GradientCheck.Random(4, -1, 1, 16, 6, 2);
        var history = model.Fit(x, x, epochs: 15, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
    }
}
