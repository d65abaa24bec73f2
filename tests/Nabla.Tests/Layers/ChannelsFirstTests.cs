using Nabla.Autograd;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's <c>data_format="channels_first"</c> ([batch, channels, spatial...]) on the convolution, pooling,
/// padding, cropping and upsampling layers, and BatchNormalization over axis 1. Keras keeps one kernel layout for both
/// formats (keras/src/layers/convolutional/base_conv.py builds [kernel..., in, filters] whatever the format), so a
/// channels-first layer with a channels-last layer's weights computes the same numbers with the channels moved: its
/// outputs and every gradient are compared with the channels-last layer's, value for value.</summary>
public class ChannelsFirstTests
{
    /// <summary>A layer factory by data format, and the channels-last per-sample input shape.</summary>
    public static TheoryData<string, int[]> Cases => new()
    {
        { "Conv1D causal relu", [9, 3] },
        { "Conv2D same stride 2", [7, 6, 3] },
        { "Conv2D grouped", [6, 5, 4] },
        { "Conv2D depthwise route", [6, 5, 4] },
        { "Conv3D", [4, 5, 4, 2] },
        { "Conv1DTranspose", [5, 3] },
        { "Conv2DTranspose same stride 2", [4, 5, 3] },
        { "Conv3DTranspose", [3, 4, 3, 2] },
        { "DepthwiseConv1D", [8, 3] },
        { "DepthwiseConv2D", [6, 5, 3] },
        { "SeparableConv1D", [8, 3] },
        { "SeparableConv2D", [6, 5, 3] },
        { "MaxPooling1D", [9, 3] },
        { "MaxPooling2D same", [7, 6, 3] },
        { "MaxPooling3D", [4, 4, 5, 2] },
        { "AveragePooling2D same", [7, 6, 3] },
        { "AveragePooling3D", [4, 4, 5, 2] },
        { "GlobalAveragePooling2D", [5, 4, 3] },
        { "GlobalMaxPooling1D keepdims", [6, 3] },
        { "GlobalMaxPooling3D keepdims", [3, 4, 3, 2] },
        { "ZeroPadding2D", [4, 5, 3] },
        { "ZeroPadding3D", [3, 4, 3, 2] },
        { "Cropping2D", [6, 7, 3] },
        { "Cropping3D", [5, 6, 5, 2] },
        { "UpSampling2D", [3, 4, 3] },
        { "UpSampling2D bilinear", [3, 4, 3] },
        { "UpSampling3D", [2, 3, 2, 2] },
        { "BatchNormalization", [4, 5, 3] },
        { "Resizing", [5, 7, 3] },
        { "Resizing crop to aspect ratio", [5, 9, 2] },
        { "CenterCrop", [6, 7, 2] },
        { "RandomCrop", [6, 7, 2] },
        { "RandomFlip", [5, 6, 3] },
        { "RandomRotation", [6, 6, 2] },
        { "RandomZoom", [6, 5, 2] },
        { "RandomTranslation", [5, 6, 2] },
        { "RandomShear", [6, 5, 2] },
        { "RandomErasing", [8, 7, 3] },
        { "RandomGrayscale", [4, 5, 3] },
    };

    private static Layer Make(string name, string format)
    {
        bool first = format == "channels_first";
        return name switch
        {
            "Conv1D causal relu" => new Conv1D(4, 3, padding: "causal", activation: "relu", dataFormat: format),
            "Conv2D same stride 2" => new Conv2D(5, (3, 2), strides: 2, padding: "same", activation: "tanh", dataFormat: format),
            "Conv2D grouped" => new Conv2D(6, 3, groups: 2, dataFormat: format),
            "Conv2D depthwise route" => new Conv2D(8, 3, groups: 4, padding: "same", dataFormat: format),
            "Conv3D" => new Conv3D(3, (2, 3, 2), activation: "sigmoid", dataFormat: format),
            "Conv1DTranspose" => new Conv1DTranspose(4, 3, strides: 2, dataFormat: format),
            "Conv2DTranspose same stride 2" => new Conv2DTranspose(4, 3, strides: 2, padding: "same", activation: "tanh", dataFormat: format),
            "Conv3DTranspose" => new Conv3DTranspose(2, 2, strides: 2, dataFormat: format),
            "DepthwiseConv1D" => new DepthwiseConv1D(3, depthMultiplier: 2, dataFormat: format),
            "DepthwiseConv2D" => new DepthwiseConv2D(3, strides: 2, padding: "same", dataFormat: format),
            "SeparableConv1D" => new SeparableConv1D(5, 3, depthMultiplier: 2, activation: "relu", dataFormat: format),
            "SeparableConv2D" => new SeparableConv2D(4, 3, padding: "same", dataFormat: format),
            "MaxPooling1D" => new MaxPooling1D(3, dataFormat: format),
            "MaxPooling2D same" => new MaxPooling2D(3, 2, padding: "same", dataFormat: format),
            "MaxPooling3D" => new MaxPooling3D(2, dataFormat: format),
            "AveragePooling2D same" => new AveragePooling2D(3, 2, padding: "same", dataFormat: format),
            "AveragePooling3D" => new AveragePooling3D(2, dataFormat: format),
            "GlobalAveragePooling2D" => new GlobalAveragePooling2D(dataFormat: format),
            "GlobalMaxPooling1D keepdims" => new GlobalMaxPooling1D(keepdims: true, dataFormat: format),
            "GlobalMaxPooling3D keepdims" => new GlobalMaxPooling3D(keepdims: true, dataFormat: format),
            "ZeroPadding2D" => new ZeroPadding2D(((1, 2), (0, 3)), dataFormat: format),
            "ZeroPadding3D" => new ZeroPadding3D(1, dataFormat: format),
            "Cropping2D" => new Cropping2D(((1, 2), (2, 0)), dataFormat: format),
            "Cropping3D" => new Cropping3D(1, dataFormat: format),
            "UpSampling2D" => new UpSampling2D((2, 3), dataFormat: format),
            "UpSampling2D bilinear" => new UpSampling2D(2, dataFormat: format, interpolation: "bilinear"),
            "UpSampling3D" => new UpSampling3D(2, dataFormat: format),
            "BatchNormalization" => new BatchNormalization(momentum: 0.9, axis: first ? 1 : -1),
            "Resizing" => new Resizing(3, 4, dataFormat: format),
            "Resizing crop to aspect ratio" => new Resizing(4, 4, dataFormat: format, cropToAspectRatio: true),
            "CenterCrop" => new CenterCrop(4, 3, dataFormat: format),
            "RandomCrop" => new RandomCrop(4, 5, seed: 3, dataFormat: format),
            "RandomFlip" => new RandomFlip(seed: 3, dataFormat: format),
            "RandomRotation" => new RandomRotation((-0.2, 0.2), seed: 3, dataFormat: format),
            "RandomZoom" => new RandomZoom((-0.3, 0.2), seed: 3, dataFormat: format),
            "RandomTranslation" => new RandomTranslation((-0.2, 0.2), (-0.1, 0.3), seed: 3, dataFormat: format),
            "RandomShear" => new RandomShear((-0.3, 0.3), (-0.2, 0.2), dataFormat: format, seed: 3),
            "RandomErasing" => new RandomErasing((0, 1), valueRange: (-2, 2), seed: 3, dataFormat: format),
            "RandomGrayscale" => new RandomGrayscale(0.7, seed: 3, dataFormat: format),
            _ => throw new ArgumentException(name),
        };
    }

    /// <summary>[batch, spatial..., c] as [batch, c, spatial...], and back.</summary>
    private static Tensor First(Tensor last) => Tensor.Transpose(last, [0, last.Rank - 1, .. Enumerable.Range(1, last.Rank - 2)]);

    private static Tensor Last(Tensor first) => Tensor.Transpose(first, [0, .. Enumerable.Range(2, first.Rank - 2), 1]);

    private static int[] FirstShape(int[] last) => [last[^1], .. last[..^1]];

    [Theory]
    [MemberData(nameof(Cases))]
    public void AChannelsFirstLayerComputesTheChannelsLastLayersNumbersWithTheChannelsMoved(string name, int[] lastShape)
    {
        var last = Make(name, "channels_last");
        var first = Make(name, "channels_first");
        last.Build(lastShape);
        first.Build(FirstShape(lastShape));
        Assert.Equal(FirstShape(last.OutputShape!).Length == last.OutputShape!.Length && last.OutputShape!.Length > 1
            ? FirstShape(last.OutputShape!) : last.OutputShape!, first.OutputShape!);
        // Same weights, in the same (Keras's one) layout.
        Assert.Equal(last.Weights.Select(w => w.Shape), first.Weights.Select(w => w.Shape));
        for (int i = 0; i < last.Weights.Count; i++)
        {
            var values = GradientCheck.Random(40 + i, -1, 1, last.Weights[i].Shape);
            values.Data.AsSpan(0, values.Size).CopyTo(last.Weights[i].Data);
            values.Data.AsSpan(0, values.Size).CopyTo(first.Weights[i].Data);
        }

        var x = GradientCheck.Random(7, -2, 2, [2, .. lastShape]);
        var xLast = x.Clone().RequireGrad();
        var xFirst = First(x).Clone().RequireGrad();
        var yLast = last.Call(xLast, training: true);
        var yFirst = first.Call(xFirst, training: true);
        var expected = yLast.Rank > 2 ? First(yLast) : yLast;
        Assert.Equal(expected.Shape, yFirst.Shape);
        AssertClose(expected, yFirst);

        var dy = GradientCheck.Random(8, 0.5, 1.5, yLast.Shape);
        new Graph(yLast).Backward(dy);
        new Graph(yFirst).Backward(yLast.Rank > 2 ? First(dy) : dy);
        // An augmentation op passes no gradient to the images it draws on: then neither layout has one.
        if (xLast.Grad is null) Assert.Null(xFirst.Grad);
        else AssertClose(First(xLast.Grad), xFirst.Grad!);
        for (int i = 0; i < last.TrainableWeights.Count; i++)
            AssertClose(last.TrainableWeights[i].Grad!, first.TrainableWeights[i].Grad!);
        // BatchNormalization's moving statistics moved alike.
        for (int i = 0; i < last.Weights.Count; i++) AssertClose(last.Weights[i], first.Weights[i]);
    }

    /// <summary>Equal up to float rounding: the computations match but for the order of a few sums (a global pooling
    /// reduces the channels-first axes directly).</summary>
    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Size; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-6 * (1 + Math.Abs(expected.Data[i])),
                $"element {i}: {expected.Data[i]} vs {actual.Data[i]}");
    }

    /// <summary>In training, a channels-first layer after another takes the first one's channels-last result as it is,
    /// instead of moving its channels back and forth: the pooling reads the convolution's output directly.</summary>
    [Fact]
    public void ConsecutiveChannelsFirstLayersDoNotMoveTheChannelsBackAndForthInTraining()
    {
        var conv = new Conv2D(4, 3, padding: "same", activation: "relu", dataFormat: "channels_first");
        var norm = new BatchNormalization(axis: 1);
        var pool = new MaxPooling2D(2, dataFormat: "channels_first");
        var x = GradientCheck.Random(3, -1, 1, 2, 3, 6, 6).RequireGrad();
        var y = pool.Call(norm.Call(conv.Call(x, training: true), training: true), training: true);
        var moveBack = Assert.IsType<Nabla.Autograd.Ops.TransposeOp>(y.Creator);
        var pooling = Assert.IsType<Nabla.Autograd.Ops.MaxPoolOp>(moveBack.Inputs[0].Creator);
        var normalizing = Assert.IsType<BatchNormOp>(pooling.Inputs[0].Creator);
        Assert.IsType<Nabla.Autograd.Ops.ConvOp>(normalizing.Inputs[0].Creator);
    }

    /// <summary>The doctor reads units on the last axis: a channels-first layer shows it its channels-last result, with the
    /// fused activation's pre-activation, so a convolution's units are its filters, not the image's columns.</summary>
    [Fact]
    public void TheDoctorObservesAChannelsFirstLayersFiltersAsItsUnits()
    {
        var conv = new Conv2D(4, 3, padding: "same", activation: "relu", dataFormat: "channels_first");
        var x = GradientCheck.Random(5, -1, 1, 2, 3, 6, 7).RequireGrad();
        var y = conv.Call(x, training: true);
        var activity = conv.Observe(y);
        Assert.Equal([2, 6, 7, 4], activity.Output.Shape);
        Assert.Equal([2, 6, 7, 4], activity.PreActivation!.Shape);
        Assert.Equal("relu", activity.Activation!.Name);
        Assert.Equal(Last(y).ToArray(), activity.Output.ToArray());
        // Unrecorded (inference on a plain tensor): the output is moved to channels-last for the doctor too.
        using (Nabla.Autograd.GradMode.NoGrad())
        {
            var plain = conv.Call(GradientCheck.Random(6, -1, 1, 2, 3, 6, 7), training: false);
            Assert.Equal([2, 6, 7, 4], conv.Observe(plain).Output.Shape);
        }
        var norm = new BatchNormalization(axis: 1);
        var normalized = norm.Call(y, training: true);
        Assert.Equal([2, 6, 7, 4], norm.Observe(normalized).Output.Shape);
    }

    [Theory]
    [InlineData("Conv2D same stride 2", new[] { 3, 5, 4 })]
    [InlineData("SeparableConv1D", new[] { 3, 7 })]
    [InlineData("Conv2DTranspose same stride 2", new[] { 3, 3, 4 })]
    [InlineData("BatchNormalization", new[] { 3, 4, 2 })]
    public void GradientsMatchFiniteDifferences(string name, int[] firstShape)
    {
        var layer = Make(name, "channels_first");
        layer.Build(firstShape);
        for (int i = 0; i < layer.TrainableWeights.Count; i++)
        {
            var values = GradientCheck.Random(50 + i, -1, 1, layer.TrainableWeights[i].Shape);
            values.Data.AsSpan(0, values.Size).CopyTo(layer.TrainableWeights[i].Data);
        }
        var x = GradientCheck.Random(51, -1, 1, [2, .. firstShape]);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, .. layer.TrainableWeights]);
    }

    [Fact]
    public void TheFormatRoundTripsThroughTheConfigAndBadValuesAreNamed()
    {
        foreach (string name in Cases.Select(c => (string)c[0]).Where(n => n != "BatchNormalization"))
        {
            var layer = Make(name, "channels_first");
            var config = layer.GetConfig();
            Assert.Equal("channels_first", config["data_format"]);
            var restored = Layer.Deserialize(new Config { ["class_name"] = layer.ClassName, ["config"] = config });
            Assert.Equal("channels_first", restored.GetConfig()["data_format"]);
            // RandomErasing and RandomGrayscale write data_format only when channels-first under the default setting (Keras's get_config leaves it out).
            var lastConfig = Make(name, "channels_last").GetConfig();
            Assert.True(!lastConfig.ContainsKey("data_format") || (string?)lastConfig["data_format"] == "channels_last", name);
        }
        var bad = Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, dataFormat: "NCHW", name: "c"));
        Assert.Equal("Conv2D 'c': 'data_format' must be \"channels_last\" or \"channels_first\", found \"NCHW\". (Parameter 'dataFormat')", bad.Message);
        var badConfig = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "MaxPooling2D", "config": {"name": "p", "data_format": "channels_middle"}}""")));
        Assert.Contains("MaxPooling2D 'p': 'data_format' must be \"channels_last\" or \"channels_first\", found \"channels_middle\"", badConfig.Message);
    }

    [Fact]
    public void ShapeErrorsDescribeTheLayersOwnLayoutAndUnknownSpatialAxesAreAccepted()
    {
        var wrongRank = Assert.Throws<ArgumentException>(() => new Conv2D(2, 3, dataFormat: "channels_first", name: "c").Build([3, 8]));
        Assert.Contains("needs inputs of rank 4 ([batch, channels, height, width])", wrongRank.Message);
        // Keras's None: an image of any size, its channels known.
        var any = new Conv2D(2, 3, padding: "same", dataFormat: "channels_first");
        any.Build([3, Layer.UnknownDimension, Layer.UnknownDimension]);
        Assert.Equal([2, Layer.UnknownDimension, Layer.UnknownDimension], any.OutputShape!);
        Assert.Equal([2, 2, 5, 7], any.Call(GradientCheck.Random(1, -1, 1, 2, 3, 5, 7), training: false).Shape);
        var unknownChannels = Assert.Throws<ArgumentException>(
            () => new Conv2D(2, 3, dataFormat: "channels_first").Build([Layer.UnknownDimension, 5, 5]));
        Assert.Contains("needs axis 1 of its inputs known", unknownChannels.Message);
        var pool = new MaxPooling1D(2, dataFormat: "channels_first");
        pool.Build([4, Layer.UnknownDimension]);
        Assert.Equal([4, Layer.UnknownDimension], pool.OutputShape!);
        var batchAxis = Assert.Throws<ArgumentException>(() => new BatchNormalization(axis: 0, name: "bn").Build([3, 4]));
        Assert.Contains("BatchNormalization 'bn': 'axis' 0 for inputs (None, 3, 4) must name one of axes 1 to 2", batchAxis.Message);
    }

    /// <summary>A channels-first CNN as a Theano-era or PyTorch-converted Keras model has it: trains, saves as .keras,
    /// loads with the same predictions, and exports to ONNX with them (ONNX Runtime runs it).</summary>
    [Fact]
    public void AChannelsFirstModelTrainsSavesLoadsAndExportsToOnnx()
    {
        Utils.SetRandomSeed(3);
        const string cf = "channels_first";
        var model = new Sequential(
            new Conv2D(6, 3, padding: "same", activation: "relu", dataFormat: cf, inputShape: [3, 8, 8]),
            new BatchNormalization(axis: 1),
            new MaxPooling2D(2, dataFormat: cf),
            new ZeroPadding2D(1, dataFormat: cf),
            new DepthwiseConv2D(3, dataFormat: cf),
            new Conv2D(4, 1, dataFormat: cf),
            new Flatten(dataFormat: cf),
            new Dense(3, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var x = GradientCheck.Random(61, -1, 1, 24, 3, 8, 8);
        var y = Tensor.FromArray(Enumerable.Range(0, 24).Select(i => (float)(i % 3)).ToArray(), [24]);
        var history = model.Fit(x, y, epochs: 4, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0]);

        string path = Path.Combine(Path.GetTempPath(), $"nabla-cf-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            var loaded = Model.Load(path);
            Assert.Equal(model.Predict(x).ToArray(), loaded.Predict(x).ToArray());
            Assert.Equal("channels_first", loaded.Layers.OfType<Conv2D>().First().DataFormat);
        }
        finally { File.Delete(path); }
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);

        var pooled = new Sequential(
            new Conv2D(4, 3, dataFormat: cf, inputShape: [2, 6, 6]),
            new UpSampling2D(2, dataFormat: cf),
            new Cropping2D(((1, 0), (0, 2)), dataFormat: cf),
            new AveragePooling2D(2, padding: "same", dataFormat: cf),
            new GlobalMaxPooling2D(dataFormat: cf),
            new Dense(2));
        pooled.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(pooled);
    }

    /// <summary>The 1-D and 3-D channels-first layers, the transposed and separable convolutions, and a BatchNormalization
    /// over axis 1 of a sequence, exported to ONNX: ONNX Runtime computes Predict's numbers.</summary>
    [Fact]
    public void TheOneAndThreeDimensionalChannelsFirstLayersExportToOnnx()
    {
        Utils.SetRandomSeed(4);
        const string cf = "channels_first";
        var sequences = new Sequential(
            new Conv1D(4, 3, padding: "causal", activation: "relu", dataFormat: cf, inputShape: [2, 10]),
            new BatchNormalization(axis: 1),
            new SeparableConv1D(5, 3, padding: "same", dataFormat: cf),
            new Conv1DTranspose(3, 3, strides: 2, dataFormat: cf),
            new MaxPooling1D(2, dataFormat: cf),
            new GlobalAveragePooling1D(dataFormat: cf),
            new Dense(2));
        sequences.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(sequences);
        var volumes = new Sequential(
            new Conv3D(3, 2, dataFormat: cf, inputShape: [2, 5, 6, 5]),
            new ZeroPadding3D(1, dataFormat: cf),
            new Cropping3D(((1, 0), (0, 1), (1, 1)), dataFormat: cf),
            new UpSampling3D((1, 2, 1), dataFormat: cf),
            new Conv3DTranspose(2, 2, strides: 2, dataFormat: cf),
            new AveragePooling3D(2, dataFormat: cf),
            new GlobalMaxPooling3D(keepdims: true, dataFormat: cf),
            new Flatten());
        volumes.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(volumes);
        var images = new Sequential(
            new SeparableConv2D(4, 3, padding: "same", dataFormat: cf, inputShape: [3, 6, 7]),
            new Conv2DTranspose(2, 3, strides: 2, padding: "same", dataFormat: cf),
            new UpSampling2D(2, dataFormat: cf, interpolation: "bilinear"),
            new GlobalAveragePooling2D(keepdims: true, dataFormat: cf));
        images.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(images);
        // The preprocessing layers in inference: resized, cropped (RandomCrop's smart resize), the random ones the identity.
        var preprocessing = new Sequential(
            new Resizing(10, 12, dataFormat: cf, inputShape: [3, 7, 9]),
            new RandomCrop(8, 8, seed: 1, dataFormat: cf),
            new CenterCrop(6, 7, dataFormat: cf),
            new RandomFlip(seed: 1, dataFormat: cf),
            new RandomGrayscale(0.5, seed: 1, dataFormat: cf),
            new Conv2D(2, 3, dataFormat: cf),
            new Flatten(dataFormat: cf));
        preprocessing.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(preprocessing);
    }

    /// <summary>Normalization(axis: 1), Keras's per-channel statistics of channels-first images: adapted to the same
    /// numbers as the channels-last layer on the moved data, the same outputs moved, the axis in its config, and ONNX.</summary>
    [Fact]
    public void NormalizationKeepsAChannelsFirstImagesChannels()
    {
        var images = GradientCheck.Random(21, -3, 5, 10, 3, 4, 5);
        var first = new Normalization(axis: 1);
        first.Adapt(images);
        var last = new Normalization();
        last.Adapt(Last(images));
        Assert.Equal([3], first.Weights[0].Shape);
        AssertClose(last.Weights[0], first.Weights[0]);
        AssertClose(last.Weights[1], first.Weights[1]);
        AssertClose(First(last.Call(Last(images), training: false)), first.Call(images, training: false));
        var restored = (Normalization)Layer.Deserialize(new Config { ["class_name"] = "Normalization", ["config"] = first.GetConfig() });
        Assert.Equal(1, restored.Axis);
        AssertClose(first.Call(images, training: false), restored.Call(images, training: false));
        Assert.Contains("must name one of axes 1 to 3", Assert.Throws<ArgumentException>(() => new Normalization(axis: 4).Build([3, 4, 5])).Message);

        var model = new Sequential(new InputLayer([3, 4, 5]), first, new Conv2D(2, 3, dataFormat: "channels_first"), new Flatten(), new Dense(1));
        model.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    /// <summary>A channels-first ConvLSTM ([batch, time, channels, spatial...], states [batch, filters, spatial...]) against
    /// the channels-last one with the same weights: the output, the returned states, an initial state given, and every
    /// gradient; its config; an ONNX export of the sequence output.</summary>
    [Theory]
    [InlineData(2, true, false)]
    [InlineData(2, false, true)]
    [InlineData(1, false, false)]
    public void AChannelsFirstConvLstmComputesTheChannelsLastOnesNumbers(int rank, bool returnSequences, bool returnState)
    {
        Nabla.Layers.ConvLSTM Make(string format) => rank == 2
            ? new ConvLSTM2D(3, 3, padding: "same", returnSequences: returnSequences, returnState: returnState, dataFormat: format)
            : new ConvLSTM1D(3, 3, padding: "same", returnSequences: returnSequences, returnState: returnState, dataFormat: format);
        int[] lastShape = rank == 2 ? [4, 5, 6, 2] : [4, 7, 2];
        int[] firstShape = [lastShape[0], lastShape[^1], .. lastShape[1..^1]];
        var last = Make("channels_last");
        var first = Make("channels_first");
        last.Build(lastShape);
        first.Build(firstShape);
        for (int i = 0; i < last.Weights.Count; i++)
        {
            var values = GradientCheck.Random(70 + i, -0.5, 0.5, last.Weights[i].Shape);
            values.Data.AsSpan(0, values.Size).CopyTo(last.Weights[i].Data);
            values.Data.AsSpan(0, values.Size).CopyTo(first.Weights[i].Data);
        }
        // A sequence's channels sit on axis 2 channels-first; a state's on axis 1.
        Tensor SequenceFirst(Tensor t) => Tensor.Transpose(t, [0, 1, t.Rank - 1, .. Enumerable.Range(2, t.Rank - 3)]);
        var x = GradientCheck.Random(77, -1, 1, [2, .. lastShape]);
        var xLast = x.Clone().RequireGrad();
        var xFirst = SequenceFirst(x).Clone().RequireGrad();
        var h0 = GradientCheck.Random(78, -0.5, 0.5, [2, .. lastShape[1..^1], 3]);
        var c0 = GradientCheck.Random(79, -0.5, 0.5, [2, .. lastShape[1..^1], 3]);
        var yLast = last.CallAll(xLast, [h0, c0], training: true);
        var yFirst = first.CallAll(xFirst, [First(h0), First(c0)], training: true);
        Assert.Equal(yLast.Count, yFirst.Count);
        Assert.Equal(returnSequences ? [4, 3, .. firstShape[2..]] : (int[])[3, .. firstShape[2..]], first.OutputShape!);
        for (int i = 0; i < yLast.Count; i++)
            AssertClose(i == 0 && returnSequences ? SequenceFirst(yLast[i]) : First(yLast[i]), yFirst[i]);

        var dy = GradientCheck.Random(80, 0.5, 1.5, yLast[0].Shape);
        new Graph(Tensor.Sum(yLast[0] * dy)).Backward();
        new Graph(Tensor.Sum(yFirst[0] * (returnSequences ? SequenceFirst(dy) : First(dy)))).Backward();
        AssertClose(SequenceFirst(xLast.Grad!), xFirst.Grad!);
        for (int i = 0; i < last.TrainableWeights.Count; i++)
            AssertClose(last.TrainableWeights[i].Grad!, first.TrainableWeights[i].Grad!);

        var config = first.GetConfig();
        Assert.Equal("channels_first", config["data_format"]);
        Assert.Equal("channels_first", ((Nabla.Layers.ConvLSTM)Layer.Deserialize(new Config { ["class_name"] = first.ClassName, ["config"] = config })).DataFormat);
        if (returnState) return;
        var model = new Sequential(new InputLayer(firstShape), Make("channels_first"), new Flatten(dataFormat: "channels_first"), new Dense(2));
        model.Compile("sgd", "mse");
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
    }

    /// <summary>A model as Keras 2 writes a channels-first CNN's config (model.to_json()) loads with Keras's shapes and
    /// parameter count.</summary>
    [Fact]
    public void AKeras2ChannelsFirstConfigLoads()
    {
        const string json = """
        {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
          {"class_name": "Conv2D", "config": {"name": "conv2d_1", "trainable": true, "batch_input_shape": [null, 1, 28, 28],
            "dtype": "float32", "filters": 8, "kernel_size": [5, 5], "strides": [1, 1], "padding": "valid",
            "data_format": "channels_first", "dilation_rate": [1, 1], "activation": "relu", "use_bias": true,
            "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": null}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null, "bias_regularizer": null,
            "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
          {"class_name": "BatchNormalization", "config": {"name": "bn_1", "trainable": true, "axis": 1, "momentum": 0.99, "epsilon": 0.001,
            "center": true, "scale": true}},
          {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d_1", "trainable": true, "pool_size": [2, 2], "padding": "valid",
            "strides": [2, 2], "data_format": "channels_first"}},
          {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": true, "data_format": "channels_first"}},
          {"class_name": "Dense", "config": {"name": "dense_1", "trainable": true, "units": 10, "activation": "softmax", "use_bias": true}}
        ]}, "keras_version": "2.2.4", "backend": "tensorflow"}
        """;
        var model = KerasModelJson.FromJson(json, "model.json");
        Assert.Equal([8, 24, 24], model.Layers[0].OutputShape!);
        Assert.Equal([8, 12, 12], model.Layers[2].OutputShape!);
        Assert.Equal([1152], model.Layers[3].OutputShape!);
        // Keras's parameter count: 8·(25 + 1) + 4·8 + 1152·10 + 10.
        Assert.Equal(208 + 32 + 11_530, model.CountParams());
    }
}
