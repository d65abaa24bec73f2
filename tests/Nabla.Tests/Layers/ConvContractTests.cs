using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>The layer contract for the convolutional layers: kernels with the conv fans, observation points with
/// filters on the last axis, penalties, frozen layers.</summary>
public class ConvContractTests
{
    [Fact]
    public void ConvKernelsReportKerasFans()
    {
        var model = new Sequential(new Conv2D(16, (3, 5), inputShape: [12, 12, 4]));
        var kernel = Assert.Single(model.Layers[0].Kernels);
        // compute_fans: receptive field 3·5 = 15, fan_in = 15·4, fan_out = 15·16.
        Assert.Equal((60, 240), (kernel.FanIn, kernel.FanOut));
        var conv1d = new Conv1D(8, 3, inputShape: [10, 2]);
        conv1d.Build([10, 2]);
        Assert.Equal((6, 24), (conv1d.Kernels[0].FanIn, conv1d.Kernels[0].FanOut));
        Assert.Empty(new MaxPooling2D().Kernels);
    }

    [Fact]
    public void ObserveGivesThePreActivationWithFiltersLast()
    {
        var conv = new Conv2D(3, 3, activation: "relu", inputShape: [5, 5, 2]);
        var output = conv.Call(GradientCheck.Random(1, -1, 1, 2, 5, 5, 2), training: false);
        var activity = conv.Observe(output);
        Assert.Equal("relu", activity.Activation!.Name);
        Assert.Equal(3, activity.UnitAxis);
        Assert.Equal([2, 3, 3, 3], activity.PreActivation!.Shape);
        for (int i = 0; i < output.Size; i++) Assert.Equal(Math.Max(0, activity.PreActivation.Data[i]), output.Data[i]);
        var relu = new ReLU();
        var input = GradientCheck.Random(2, -1, 1, 2, 3).RequireGrad();
        Assert.Same(input, relu.Observe(relu.Call(input, training: false)).PreActivation);
    }

    [Fact]
    public void FrozenConvRequestsNoKernelGradient()
    {
        var conv = new Conv2D(2, 3, inputShape: [4, 4, 1]) { Trainable = false };
        conv.Build([4, 4, 1]);
        Assert.False(conv.Kernel.RequiresGrad);
        Assert.False(conv.Bias!.RequiresGrad);
    }

    [Fact]
    public void RegularizedConvWeightsGivePenalties()
    {
        var conv = new Conv2D(2, 3, kernelRegularizer: "l1", biasRegularizer: "l2", inputShape: [4, 4, 1]);
        conv.Build([4, 4, 1]);
        Assert.Equal(2, conv.PenaltyLosses().Count());
    }
}
