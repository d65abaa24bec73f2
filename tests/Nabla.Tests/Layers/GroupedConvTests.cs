using Nabla.Autograd;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's grouped convolution (Conv1D/2D/3D <c>groups</c>, keras/src/layers/convolutional/base_conv.py): the
/// kernel is [kernel..., in / groups, filters], and filter block g sees only channel block g, so it equals an ordinary
/// convolution whose kernel is zero outside those blocks. Gradients against finite differences; the config, the
/// checks and the ONNX export (ONNX Runtime runs it).</summary>
public class GroupedConvTests
{
    /// <summary>The ordinary kernel [kernel..., in, filters] that is the grouped one inside its blocks and zero outside.</summary>
    private static Tensor BlockDiagonal(Tensor grouped, int groups)
    {
        int inBlock = grouped.Shape[^2], filters = grouped.Shape[^1], channels = inBlock * groups, filterBlock = filters / groups;
        int cells = grouped.Size / (inBlock * filters);
        var full = new Tensor([.. grouped.Shape[..^2], channels, filters]);
        for (int cell = 0; cell < cells; cell++)
            for (int c = 0; c < channels; c++)
                for (int f = 0; f < filters; f++)
                    if (c / inBlock == f / filterBlock)
                        full.Data[(cell * channels + c) * filters + f] = grouped.Data[(cell * inBlock + c % inBlock) * filters + f];
        return full;
    }

    private static BaseConv Make(int rank, int filters, int groups, string activation, string padding = "valid", int stride = 1) => rank switch
    {
        1 => new Conv1D(filters, 3, strides: stride, padding: padding, activation: activation, groups: groups),
        2 => new Conv2D(filters, (3, 2), strides: stride, padding: padding, activation: activation, groups: groups),
        _ => new Conv3D(filters, (2, 3, 2), strides: stride, padding: padding, activation: activation, groups: groups),
    };

    public static TheoryData<int, int, int, int, string, string, int> Cases => new()
    {
        // rank, channels, filters, groups, activation, padding, stride
        { 1, 4, 6, 2, "relu", "causal", 1 },
        { 1, 3, 6, 3, "tanh", "causal", 1 }, // one group per channel: the depthwise op
        { 2, 4, 4, 4, "relu", "same", 2 }, // the depthwise op, multiplier 1, stride 2
        { 2, 6, 6, 3, "tanh", "same", 2 },
        { 2, 4, 2, 2, "linear", "valid", 1 },
        { 2, 6, 12, 6, "sigmoid", "valid", 1 },
        { 3, 4, 4, 2, "linear", "same", 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AGroupedConvolutionIsTheOrdinaryOneWithABlockDiagonalKernel(int rank, int channels, int filters, int groups,
        string activation, string padding, int stride)
    {
        int[] spatial = rank switch { 1 => [9], 2 => [7, 6], _ => [4, 5, 4] };
        var grouped = Make(rank, filters, groups, activation, padding, stride);
        grouped.Build([.. spatial, channels]);
        Assert.Equal(channels / groups, grouped.Kernel.Shape[^2]);
        Assign(grouped.Kernel, GradientCheck.Random(11, -1, 1, grouped.Kernel.Shape));
        Assign(grouped.Bias!, GradientCheck.Random(12, -1, 1, filters));
        var ordinary = Make(rank, filters, 1, activation, padding, stride);
        ordinary.Build([.. spatial, channels]);
        Assign(ordinary.Kernel, BlockDiagonal(grouped.Kernel, groups));
        Assign(ordinary.Bias!, grouped.Bias!);

        var x = GradientCheck.Random(13, -1, 1, [2, .. spatial, channels]);
        var xg = x.Clone().RequireGrad();
        var xo = x.Clone().RequireGrad();
        var yg = grouped.Call(xg, training: true);
        var yo = ordinary.Call(xo, training: true);
        Assert.Equal(yo.Shape, yg.Shape);
        AssertClose(yo.Data, yg.Data);
        var dy = GradientCheck.Random(14, 0.5, 1.5, yg.Shape);
        new Graph(yg).Backward(dy);
        new Graph(yo).Backward(dy);
        AssertClose(xo.Grad!.Data, xg.Grad!.Data);
        AssertClose(ordinary.Bias!.Grad!.Data, grouped.Bias!.Grad!.Data);
        // The grouped kernel's gradient is the ordinary kernel's gradient inside the blocks.
        var expected = new Tensor(grouped.Kernel.Shape);
        int inBlock = channels / groups, cells = grouped.Kernel.Size / (inBlock * filters);
        for (int cell = 0; cell < cells; cell++)
            for (int c = 0; c < inBlock; c++)
                for (int f = 0; f < filters; f++)
                    expected.Data[(cell * inBlock + c) * filters + f] =
                        ordinary.Kernel.Grad!.Data[(cell * channels + f / (filters / groups) * inBlock + c) * filters + f];
        AssertClose(expected.Data, grouped.Kernel.Grad!.Data);
    }

    private static void Assign(Tensor target, Tensor source) => source.Data.AsSpan(0, source.Size).CopyTo(target.Data);

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * (1 + Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void GradientsMatchFiniteDifferences(int rank)
    {
        int[] spatial = rank == 1 ? [6] : [5, 4];
        var layer = Make(rank, filters: 4, groups: 2, activation: "tanh", padding: "same");
        layer.Build([.. spatial, 4]);
        Assign(layer.Kernel, GradientCheck.Random(21, -1, 1, layer.Kernel.Shape));
        Assign(layer.Bias!, GradientCheck.Random(22, -0.5, 0.5, 4));
        var x = GradientCheck.Random(23, -1, 1, [2, .. spatial, 4]);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Kernel, layer.Bias!]);
        var depthwise = Make(rank, filters: 8, groups: 4, activation: "tanh", padding: "valid");
        depthwise.Build([.. spatial, 4]);
        Assign(depthwise.Kernel, GradientCheck.Random(24, -1, 1, depthwise.Kernel.Shape));
        GradientCheck.Check(t => depthwise.Call(t[0], training: true), [GradientCheck.Random(25, -1, 1, [2, .. spatial, 4]), depthwise.Kernel, depthwise.Bias!]);
    }

    [Fact]
    public void GroupsRoundTripThroughTheConfigAndTheInputChannelsAreChecked()
    {
        var layer = new Conv2D(6, 3, groups: 3, name: "grouped");
        var config = layer.GetConfig();
        Assert.Equal(3L, config["groups"]);
        var restored = (Conv2D)Layer.Deserialize(new Config { ["class_name"] = "Conv2D", ["config"] = config });
        Assert.Equal(3, restored.Groups);
        restored.Build([8, 8, 9]);
        Assert.Equal([3, 3, 3, 6], restored.Kernel.Shape);

        var odd = Assert.Throws<ArgumentException>(() => new Conv2D(6, 3, groups: 3).Build([8, 8, 4]));
        Assert.Contains("the number of input channels must be evenly divisible by the number of groups; found groups = 3, but the input has 4 channels", odd.Message);
    }

    [Fact]
    public void AGroupedModelTrainsAndExportsToOnnx()
    {
        Utils.SetRandomSeed(5);
        var model = new Sequential(
            new Conv2D(8, 3, activation: "relu", padding: "same", inputShape: [6, 6, 4]),
            new Conv2D(8, 3, strides: 2, activation: "relu", groups: 8),
            new Conv2D(4, 1, groups: 2), // after one group per channel (the depthwise op), blocks of 4
            new Flatten(),
            new Dense(3, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var x = GradientCheck.Random(31, -1, 1, 24, 6, 6, 4);
        var y = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)(i % 3)).ToArray(), [24]);
        var history = model.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    [Fact]
    public void TensorFlowJsExportRefusesAGroupedConvolutionBeforeWritingAnything()
    {
        var model = new Sequential(new Conv2D(4, 3, groups: 2, inputShape: [5, 5, 4], name: "grouped"), new Flatten(), new Dense(2));
        string folder = Path.Combine(Path.GetTempPath(), $"nabla-grouped-tfjs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var error = Assert.Throws<NotSupportedException>(() => model.Save(Path.Combine(folder, "model.json")));
            Assert.Contains("layer 'grouped' (Conv2D) has groups = 2", error.Message);
            Assert.Empty(Directory.GetFiles(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
