using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Layers whose weights do not depend on an image's height and width take Keras's (None, None, channels) inputs, as
/// keras.applications' feature extractors are built by default: Rescaling, Normalization, BatchNormalization,
/// ZeroPadding2D and the element-wise merges (an unknown axis on either side stays unknown, as Keras's
/// _compute_elemwise_op_output_shape leaves it).
/// </summary>
public class UnknownImageSizeTests
{
    private static Model Open()
    {
        var input = new Input([-1, -1, 2]);
        var x = new ZeroPadding2D(((0, 1), (1, 1))).Apply(input);
        x = new Rescaling([0.5, 2.0], [0.0]).Apply(x);
        x = new Normalization(mean: [1f, -1f], variance: [4f, 0.25f]).Apply(x);
        x = new BatchNormalization().Apply(x);
        var squeezed = new Reshape([1, 1, 2]).Apply(new GlobalAveragePooling2D().Apply(x));
        var excited = new Multiply().Apply(x, squeezed);
        return new Model(input, new Add().Apply(excited, x));
    }

    [Fact]
    public void AModelOfOpenImageSizeRunsOnEverySize()
    {
        Utils.SetRandomSeed(1);
        var model = Open();
        Assert.Equal([-1, -1, 2], model.OutputShape!);
        Assert.Equal([2, 4, 7, 2], model.Predict(GradientCheck.Random(1, -1, 1, 2, 3, 5, 2)).Shape);
        Assert.Equal([1, 5, 6, 2], model.Predict(GradientCheck.Random(2, -1, 1, 1, 4, 4, 2)).Shape);
    }

    [Fact]
    public void AnOpenSizeStaysOpenThroughPaddingAndMerging()
    {
        Assert.Equal([-1, 5, 3], new ZeroPadding2D(1).ComputeOutputShape([-1, 3, 3]));
        var a = new Input([-1, -1, 4]);
        var b = new Input([1, 1, 4]);
        Assert.Equal([-1, -1, 4], new Multiply().Apply(a, b).Shape);
    }

    [Fact]
    public void PerChannelRescalingStillNeedsItsChannelsKnown()
    {
        var e = Assert.Throws<ArgumentException>(() => new Rescaling([1.0, 2.0], [0.0]).Apply(new Input([4, -1])));
        Assert.Contains("axis 2", e.Message);
    }

    [Fact]
    public void ANormalizationStillToAdaptIsRefusedUntilItHasStatisticsGivenAdaptedOrSet()
    {
        // Keras 3 builds the layer with mean 0 and variance 1 (finalize_state) and so passes data through unnoticed when
        // adapt was forgotten; Nabla refuses that, and statistics set as weights (Keras's initial ones included) serve.
        var layer = new Normalization();
        var model = new Sequential(layer);
        model.Build([3]);
        var x = GradientCheck.Random(3, -5, 5, 4, 3);
        var e = Assert.Throws<InvalidOperationException>(() => model.Predict(x));
        Assert.Contains("call Adapt(x)", e.Message);
        model.SetWeights([Tensor.FromArray(new float[3], [3]), Tensor.FromArray([1f, 1f, 1f], [3]), Tensor.FromArray([0f], [])]);
        Assert.True(layer.IsAdapted);
        Assert.Equal(x.Data, model.Predict(x).Data);
    }
}
