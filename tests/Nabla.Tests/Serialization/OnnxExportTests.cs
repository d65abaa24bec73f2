using Nabla.Layers;
using Nabla.Serialization.Onnx;
using Nabla.Serialization.Onnx.Proto;
using Activation = Nabla.Layers.Activation;

namespace Nabla.Tests.Serialization;

/// <summary>Exported models run in ONNX Runtime and give what Nabla's Predict gives.</summary>
public class OnnxExportTests
{
    public static TheoryData<string> SeedActivations => new() { "relu", "sigmoid", "softmax" };

    [Theory]
    [MemberData(nameof(SeedActivations))]
    public void SeedNetworkMatchesPredict(string hidden)
    {
        Utils.SetRandomSeed(11);
        var model = new Sequential(new Dense(128, activation: hidden, inputShape: [784]), new Dense(10, activation: "softmax"));
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }

    /// <summary>Every activation of Nabla's registry, plus non-default parameters.</summary>
    public static TheoryData<string> AllActivations()
    {
        var data = new TheoryData<string>();
        foreach (var name in Nabla.Activations.Activation.Registry.Names.Where(n => n == n.ToLowerInvariant() && n != "swish"))
            data.Add(name);
        return data;
    }

    [Theory]
    [MemberData(nameof(AllActivations))]
    public void EveryActivationMatchesPredictInDenseAndActivationLayer(string name)
    {
        Utils.SetRandomSeed(3);
        var dense = new Sequential(new Dense(9, activation: name, inputShape: [5]));
        OnnxRuntimeCheck.AssertMatchesPredict(dense);
        // Wide inputs reach the saturated and overflow-prone regions (softplus, exponential stay finite up to 8).
        var layer = new Sequential(new InputLayer([6]), new Activation(name));
        OnnxRuntimeCheck.AssertMatchesPredict(layer, low: -8f, high: 8f);
    }

    [Fact]
    public void DropoutAndNoiseLayersAreTheIdentityAndLayerNormalizationMatchesPredict()
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(new GaussianNoise(0.3, inputShape: [3, 4]), new LayerNormalization(), new SpatialDropout1D(0.3), new Dense(5),
            new GaussianDropout(0.2), new LayerNormalization([1, 2], center: false));
        Assert.Equal(5, model.Weights.Count);
        foreach (var weight in model.Weights) // gammas and betas away from 1 and 0
            for (int i = 0; i < weight.Size; i++) weight.Data[i] += 0.1f * (i % 5) - 0.2f;
        OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    [Fact]
    public void ReshapingLayersAndPReLUMatchPredict()
    {
        Utils.SetRandomSeed(6);
        var sequence = new Sequential(new ZeroPadding1D((1, 2), inputShape: [5, 3]), new Cropping1D((2, 1)), new UpSampling1D(3),
            new Permute([2, 1]), new PReLU(), new Dense(4), new ELU(0.5));
        foreach (var alpha in sequence.Layers.OfType<PReLU>().Select(p => p.Alpha))
            for (int i = 0; i < alpha.Size; i++) alpha.Data[i] = 0.05f * (i % 7) - 0.1f;
        OnnxRuntimeCheck.AssertMatchesPredict(sequence);
        var image = new Sequential(new Cropping2D(((1, 0), (0, 2)), inputShape: [5, 6, 2]), new UpSampling2D((2, 3)),
            new UpSampling2D((2, 2), interpolation: "bilinear"),
            new PReLU(sharedAxes: [1, 2]), new Conv2D(2, 3));
        image.Layers.OfType<PReLU>().Single().Alpha.Data.AsSpan().Fill(0.3f);
        OnnxRuntimeCheck.AssertMatchesPredict(image);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(new RepeatVector(3, inputShape: [4]), new Dense(2)));
    }

    [Fact]
    public void DepthwiseSeparableAndTransposedConvolutionsMatchPredict()
    {
        Utils.SetRandomSeed(7);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(
            new DepthwiseConv2D(3, strides: 2, padding: "same", depthMultiplier: 2, activation: "relu", inputShape: [7, 6, 3]),
            new SeparableConv2D(4, (2, 3), padding: "same", depthMultiplier: 2, activation: "tanh"),
            new Conv2DTranspose(3, 3, 2, "same", activation: "relu"),
            new Conv2DTranspose(2, 2, 3, "valid"),
            new Conv2DTranspose(2, (3, 2), 1, "valid", dilationRate: 2),
            new SeparableConv2D(2, 3, dilationRate: 2)));
    }

    [Fact]
    public void TransposedConvolutionsWithOutputPaddingMatchPredict()
    {
        // Keras's output_padding: "valid" adds bias-only cells past the full result (ONNX's output_padding); "same"
        // shifts the window (ONNX's begin pads) and may reach past the full result too (1×1 kernel, stride 2).
        Utils.SetRandomSeed(8);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(
            new Conv2DTranspose(3, (3, 2), (2, 3), "valid", activation: "relu", inputShape: [4, 3, 2], outputPadding: (1, 2)),
            new Conv2DTranspose(2, (4, 3), (3, 2), "same", biasInitializer: "ones", outputPadding: (2, 1)),
            new Conv2DTranspose(2, 1, 2, "same", biasInitializer: "ones", outputPadding: (1, 0)),
            new Conv2DTranspose(2, 2, 2, "same", outputPadding: (0, 1))));
    }

    [Fact]
    public void Conv1DTransposeMatchesPredict()
    {
        // ONNX's ConvTranspose on one spatial axis: valid and same, strides, dilation, output_padding.
        Utils.SetRandomSeed(9);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(
            new Conv1DTranspose(3, 3, 2, "valid", activation: "relu", inputShape: [5, 2], outputPadding: 1),
            new Conv1DTranspose(2, 4, 3, "same", biasInitializer: "ones"),
            new Conv1DTranspose(2, 3, 1, "same", dilationRate: 2)));
    }

    [Fact]
    public void ActivationParametersAreExported()
    {
        var functions = new Nabla.Activations.Activation[]
        {
            new Nabla.Activations.Gelu(approximate: true), new Nabla.Activations.Elu(0.5), new Nabla.Activations.LeakyRelu(0.05),
        };
        foreach (var function in functions)
            OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(new InputLayer([8]), new Activation(function)), low: -5f, high: 5f);
    }

    [Fact]
    public void PreprocessingAndBatchNormalizationAfterTrainingMatchPredict()
    {
        Utils.SetRandomSeed(5);
        var x = OnnxRuntimeCheck.Inputs(9, 64, [6], 0f, 255f);
        var y = new Tensor(64, 3);
        for (int i = 0; i < 64; i++) y.Data[i * 3 + i % 3] = 1;
        var normalization = new Normalization();
        normalization.Adapt(Tensor.FromArray(x.Data.Select(v => v / 255f).ToArray(), x.Shape));
        var model = new Sequential(
            new Rescaling(1.0 / 255, offset: 0.25, inputShape: [6]), normalization,
            new Dense(16, activation: "relu"), new BatchNormalization(), new Dropout(0.3),
            new Dense(3, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy");
        model.Fit(x, y, epochs: 3, batchSize: 16, verbose: 0);
        var bn = (BatchNormalization)model.Layers[3];
        Assert.NotEqual(0f, bn.MovingMean.Data.Max(MathF.Abs)); // training moved the statistics away from their start
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 255f);
    }

    [Fact]
    public void InvertedNormalizationBatchNormalizationWithoutScaleOrCenterAndPerChannelRescalingMatchPredict()
    {
        Utils.SetRandomSeed(6);
        var model = new Sequential(
            new Normalization(invert: true, inputShape: [4], mean: [1f, -2f, 3f, 0.5f], variance: [4f, 0.25f, 1f, 0f]),
            new BatchNormalization(epsilon: 0.01, center: false, scale: false), new Dense(2),
            new Rescaling([10.0, 0.1], [-5.0]));
        var bn = (BatchNormalization)model.Layers[1];
        new float[] { 0.5f, -1f, 2f, 0f }.CopyTo(bn.MovingMean.Data, 0);
        new float[] { 2f, 0.5f, 1f, 3f }.CopyTo(bn.MovingVariance.Data, 0);
        OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    [Fact]
    public void FlattenOverThreeDimensionalInputAndDenseOnItsLastAxisMatchPredict()
    {
        Utils.SetRandomSeed(8);
        var flatten = new Sequential(new Flatten(inputShape: [4, 5, 3]), new Dense(8, activation: "tanh"), new Dense(2));
        OnnxRuntimeCheck.AssertMatchesPredict(flatten);
        // Dense on [batch, 4, 3] contracts the last axis (MatMul path); batch norm works on the last axis too.
        var perStep = new Sequential(new Dense(6, activation: "relu", inputShape: [4, 3]), new BatchNormalization(),
            new Flatten(), new Dense(2, activation: "softmax"));
        var bn = (BatchNormalization)perStep.Layers[1];
        for (int f = 0; f < 6; f++) { bn.MovingMean.Data[f] = 0.1f * f; bn.MovingVariance.Data[f] = 1f + f; bn.Gamma.Data[f] = 2f - 0.3f * f; }
        OnnxRuntimeCheck.AssertMatchesPredict(perStep);
    }

    [Fact]
    public void ModelOfIdentityLayersGetsAnIdentityNode()
    {
        var model = new Sequential(new InputLayer([3]), new Dropout(0.5));
        OnnxRuntimeCheck.AssertMatchesPredict(model);
        var graph = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model)).Graph;
        Assert.Equal("Identity", Assert.Single(graph.Node).OpType);
    }

    [Fact]
    public void FileDeclaresIrOpsetBatchDimensionAndNamedWeights()
    {
        Utils.SetRandomSeed(2);
        var model = new Sequential(new Dense(4, activation: "relu", inputShape: [3]), new Dense(2, useBias: false));
        var proto = ModelProto.Parser.ParseFrom(OnnxExport.ToBytes(model));
        Assert.Equal(8, proto.IrVersion);
        var opset = Assert.Single(proto.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        var input = Assert.Single(proto.Graph.Input);
        Assert.Equal("input", input.Name);
        Assert.Equal("batch", input.Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, input.Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal("output", Assert.Single(proto.Graph.Output).Name);
        Assert.Equal(["dense/kernel", "dense/bias", "dense_1/kernel"],
            proto.Graph.Initializer.Select(t => t.Name.Replace(model.Layers[0].Name, "dense").Replace(model.Layers[1].Name, "dense_1")));
        var kernel = proto.Graph.Initializer[0];
        Assert.Equal([3L, 4L], kernel.Dims);
        var raw = kernel.RawData.ToByteArray();
        for (int i = 0; i < 12; i++)
            Assert.Equal(((Dense)model.Layers[0]).Kernel.Data[i], BitConverter.ToSingle(raw, i * 4)); // little-endian on x64 and arm64
    }

    [Fact]
    public void IntegerAttributeZeroIsWrittenLikeProto2()
    {
        // proto3 drops zero scalars unless they have explicit presence; ONNX readers expect the field.
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(OnnxGraphBuilder.Int("axis", 0));
        Assert.Contains((byte)0x18, bytes); // field 3 (i), varint
        Assert.True(OnnxGraphBuilder.Int("axis", 0).HasI);
    }
}
