using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's (None, None, channels) images through ZeroPadding2D, BatchNormalization, Concatenate and Add:
/// built once with open height and width, they run on any size (keras.applications' models without their top).</summary>
public class OpenImageSizeTests
{
    [Fact]
    public void PaddingNormalizationAndMergesTakeAnOpenHeightAndWidth()
    {
        Utils.SetRandomSeed(1);
        var input = new Input([-1, -1, 3]);
        var padded = new ZeroPadding2D(((1, 2), (0, 3))).Apply(input);
        var normalized = new BatchNormalization().Apply(padded);
        var joined = new Concatenate().Apply(normalized, padded);
        var sum = new Add().Apply(joined, joined);
        var model = new Model(input, sum);
        Assert.Equal([-1, -1, 6], model.Outputs[0].Shape);
        Assert.Equal([2, 8, 10, 6], model.Predict(GradientCheck.Random(1, -1, 1, 2, 5, 7, 3)).Shape);
        Assert.Equal([1, 4, 4, 6], model.Predict(GradientCheck.Random(2, -1, 1, 1, 1, 1, 3)).Shape);
    }

    [Fact]
    public void AnOpenAxisStillNeedsTheChannelsKnown()
    {
        var e = Assert.Throws<ArgumentException>(() => new BatchNormalization().Apply(new Input([4, 4, -1])));
        Assert.Contains("axis 3", e.Message);
    }
}
