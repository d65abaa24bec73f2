using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's SeparableConv2D (keras/src/layers/convolutional/separable_conv2d.py): weights in Keras's order and
/// shapes, the composition of a depthwise and a 1×1 convolution, finite differences and configs.</summary>
public class SeparableConv2DTests
{
    [Fact]
    public void ItIsADepthwiseThenAPointwiseConvolutionWithKerasWeights()
    {
        var layer = new SeparableConv2D(5, 3, padding: "same", depthMultiplier: 2, activation: "relu");
        layer.Build([6, 6, 3]);
        Assert.Equal(["depthwise_kernel", "pointwise_kernel", "bias"], layer.Weights.Select(w => w.Name!.Split('/')[^1]));
        Assert.Equal([[3, 3, 3, 2], [1, 1, 6, 5], [5]], layer.Weights.Select(w => w.Shape));
        // Keras's param count: 3·3·3·2 + 6·5 + 5 = 89.
        Assert.Equal(89, layer.CountParams());
        var depthwise = new DepthwiseConv2D(3, padding: "same", depthMultiplier: 2, useBias: false);
        depthwise.Build([6, 6, 3]);
        layer.DepthwiseKernel.Data.CopyTo(depthwise.DepthwiseKernel.Data, 0);
        var pointwise = new Conv2D(5, 1, activation: "relu");
        pointwise.Build([6, 6, 6]);
        layer.PointwiseKernel.Data.CopyTo(pointwise.Kernel.Data, 0);
        var x = GradientCheck.Random(1, -1, 1, 2, 6, 6, 3);
        Assert.Equal(pointwise.Call(depthwise.Call(x, false), false).Data, layer.Call(x, false).Data);
    }

    [Fact]
    public void MatchesFiniteDifferencesForEveryWeight()
    {
        var layer = new SeparableConv2D(3, 2, strides: 2, padding: "same", depthMultiplier: 2, activation: "tanh", biasInitializer: "ones");
        layer.Build([5, 4, 2]);
        GradientCheck.Check(t => layer.Call(t[0], training: true),
            [GradientCheck.Random(2, -1, 1, 2, 5, 4, 2), layer.DepthwiseKernel, layer.PointwiseKernel, layer.Bias!]);
    }

    [Fact]
    public void ConfigsRoundTrip()
    {
        var layer = new SeparableConv2D(4, (3, 2), 1, "valid", 3, activation: "elu", inputShape: [6, 6, 2], name: "sep");
        var rebuilt = (SeparableConv2D)Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
        Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
    }
}
