using Nabla.Data;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>The contract every layer meets: kernels with Keras's fans, penalty losses, observation points,
/// and frozen layers that request no gradient.</summary>
public class LayerContractTests
{
    private static Tensor Random(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        return Tensor.FromArray(Enumerable.Range(0, rows * cols).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(), rows, cols);
    }

    private static Sequential TwoLayers(string? kernelRegularizer = null) => new(
        new Dense(8, activation: "tanh", kernelRegularizer: kernelRegularizer, inputShape: [5]),
        new Dense(3, activation: "softmax"));

    [Fact]
    public void DenseKernelHasKerasFans()
    {
        var model = TwoLayers();
        var kernels = model.Layers[0].Kernels;
        Assert.Single(kernels);
        Assert.Same(((Dense)model.Layers[0]).Kernel, kernels[0].Weight);
        // keras.src.initializers.random_initializers.compute_fans: a [in, out] kernel has fan_in = in, fan_out = out.
        Assert.Equal((5, 8), (kernels[0].FanIn, kernels[0].FanOut));
    }

    [Fact]
    public void PenaltyLossesFollowRegularizedWeights()
    {
        Assert.Empty(TwoLayers().Layers[0].PenaltyLosses());
        var model = TwoLayers("l2");
        var penalty = Assert.Single(model.Layers[0].PenaltyLosses());
        var kernel = ((Dense)model.Layers[0]).Kernel.Data;
        // Keras's L2 default factor is 0.01: penalty = 0.01·Σw².
        double expected = 0.01 * kernel.Sum(w => (double)w * w);
        Assert.Equal(expected, penalty.Data[0], 1e-5);
    }

    [Fact]
    public void ObserveReadsPreActivationAndFunctionFromTheCall()
    {
        var model = TwoLayers();
        var x = Random(4, 5, 3);
        var output = model.Layers[0].Call(x, training: false);
        var activity = model.Layers[0].Observe(output);
        Assert.Same(output, activity.Output);
        Assert.Equal("tanh", activity.Activation!.Name);
        Assert.Equal(1, activity.UnitAxis);
        Assert.NotNull(activity.PreActivation);
        for (int i = 0; i < output.Size; i++)
            Assert.Equal(MathF.Tanh(activity.PreActivation!.Data[i]), output.Data[i], 1e-6f);
    }

    [Fact]
    public void ActivationLayerObservesItsInputAsPreActivation()
    {
        var layer = new Activation("sigmoid", inputShape: [3]);
        var x = Random(2, 3, 1);
        x.RequiresGrad = true;
        var activity = layer.Observe(layer.Call(x, training: false));
        Assert.Same(x, activity.PreActivation);
        Assert.Equal("sigmoid", activity.Activation!.Name);
    }

    [Fact]
    public void LayerWithoutActivationObservesOnlyItsOutput()
    {
        var layer = new Flatten(inputShape: [2, 3]);
        var x = Tensor.Reshape(Random(2, 6, 1), 2, 2, 3);
        var activity = layer.Observe(layer.Call(x, training: false));
        Assert.Null(activity.PreActivation);
        Assert.Null(activity.Activation);
    }

    [Fact]
    public void FrozenLayerRequestsNoWeightGradient()
    {
        var model = TwoLayers();
        model.Compile(optimizer: "sgd", loss: "categorical_crossentropy");
        model.Layers[0].Trainable = false;
        var x = Random(6, 5, 2);
        var y = Preprocessing.ToCategorical(Tensor.FromArray([0, 1, 2, 0, 1, 2], 6), 3);
        var step = model.CaptureGradientStep(x, y);
        var frozenKernel = ((Dense)model.Layers[0]).Kernel;
        Assert.False(frozenKernel.RequiresGrad);
        Assert.Null(frozenKernel.Grad);
        Assert.NotNull(((Dense)model.Layers[1]).Kernel.Grad);
        Assert.NotNull(step.Loss);
        model.Layers[0].Trainable = true;
        Assert.True(frozenKernel.RequiresGrad);
    }
}
