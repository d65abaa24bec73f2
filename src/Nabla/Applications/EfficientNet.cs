using Nabla.Initializers;
using Nabla.Layers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla;

public static partial class Applications
{
    private const string EfficientNetWeightsUrl = "https://storage.googleapis.com/keras-applications/";

    /// <summary>The hashes Keras's get_file checks the EfficientNet ImageNet files against (WEIGHTS_HASHES in
    /// keras/src/applications/efficientnet.py, with and without the top; 32 hex digits, so md5), by Keras's file name.</summary>
    internal static readonly IReadOnlyDictionary<string, string> EfficientNetImageNetHashes = new Dictionary<string, string>
    {
        ["efficientnetb0.h5"] = "902e53a9f72be733fc0bcb005b3ebbac",
        ["efficientnetb0_notop.h5"] = "50bc09e76180e00e4465e1a485ddc09d",
        ["efficientnetb1.h5"] = "1d254153d4ab51201f1646940f018540",
        ["efficientnetb1_notop.h5"] = "74c4e6b3e1f6a1eea24c589628592432",
        ["efficientnetb2.h5"] = "b15cce36ff4dcbd00b6dd88e7857a6ad",
        ["efficientnetb2_notop.h5"] = "111f8e2ac8aa800a7a99e3239f7bfb39",
        ["efficientnetb3.h5"] = "ffd1fdc53d0ce67064dc6a9c7960ede0",
        ["efficientnetb3_notop.h5"] = "af6d107764bb5b1abb91932881670226",
        ["efficientnetb4.h5"] = "18c95ad55216b8f92d7e70b3a046e2fc",
        ["efficientnetb4_notop.h5"] = "ebc24e6d6c33eaebbd558eafbeedf1ba",
        ["efficientnetb5.h5"] = "ace28f2a6363774853a83a0b21b9421a",
        ["efficientnetb5_notop.h5"] = "38879255a25d3c92d5e44e04ae6cec6f",
        ["efficientnetb6.h5"] = "165f6e37dce68623721b423839de8be5",
        ["efficientnetb6_notop.h5"] = "9ecce42647a20130c1f39a5d4cb75743",
        ["efficientnetb7.h5"] = "8c03f828fec3ef71311cd463b6759d99",
        ["efficientnetb7_notop.h5"] = "cbcfe4450ddf6f3ad90b1b398090fe4a",
    };

    /// <summary>
    /// Keras's <c>keras.applications.EfficientNetB0</c> (keras/src/applications/efficientnet.py; Tan and Le, "EfficientNet:
    /// Rethinking Model Scaling for Convolutional Neural Networks", ICML 2019), the base of the family: a stride-2 3x3 stem,
    /// sixteen mobile inverted-bottleneck blocks with squeeze-and-excitation and swish, a 1x1 "top_conv" of 1280 filters,
    /// then (with <paramref name="includeTop"/>) average pooling, dropout 0.2 and the classifier "predictions".
    /// 224x224 by default, at least 32x32.
    /// <para>The model takes raw pixels in [0, 255]: its stem rescales them by 1/255 and standardizes them with a
    /// <see cref="Normalization"/> layer whose mean and variance come with the weights (mean 0 and variance 1 until weights
    /// are loaded or the layer is adapted). Keras's <c>efficientnet.preprocess_input</c> therefore returns its input
    /// unchanged: do not apply <see cref="PreprocessInput"/> to these models' inputs.</para>
    /// </summary>
    public static Model EfficientNetB0(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb0") =>
        EfficientNet(nameof(EfficientNetB0), 1.0, 1.0, 224, 0.2, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb0");

    /// <summary>Keras's <c>keras.applications.EfficientNetB1</c> (efficientnet.py): <see cref="EfficientNetB0"/> with
    /// 1.1 times the blocks (width 1.0, depth 1.1), 240x240 by default, dropout 0.2. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB1(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb1") =>
        EfficientNet(nameof(EfficientNetB1), 1.0, 1.1, 240, 0.2, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb1");

    /// <summary>Keras's <c>keras.applications.EfficientNetB2</c> (efficientnet.py): width 1.1, depth 1.2, 260x260 by
    /// default, dropout 0.3. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB2(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb2") =>
        EfficientNet(nameof(EfficientNetB2), 1.1, 1.2, 260, 0.3, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb2");

    /// <summary>Keras's <c>keras.applications.EfficientNetB3</c> (efficientnet.py): width 1.2, depth 1.4, 300x300 by
    /// default, dropout 0.3. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB3(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb3") =>
        EfficientNet(nameof(EfficientNetB3), 1.2, 1.4, 300, 0.3, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb3");

    /// <summary>Keras's <c>keras.applications.EfficientNetB4</c> (efficientnet.py): width 1.4, depth 1.8, 380x380 by
    /// default, dropout 0.4. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB4(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb4") =>
        EfficientNet(nameof(EfficientNetB4), 1.4, 1.8, 380, 0.4, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb4");

    /// <summary>Keras's <c>keras.applications.EfficientNetB5</c> (efficientnet.py): width 1.6, depth 2.2, 456x456 by
    /// default, dropout 0.4. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB5(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb5") =>
        EfficientNet(nameof(EfficientNetB5), 1.6, 2.2, 456, 0.4, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb5");

    /// <summary>Keras's <c>keras.applications.EfficientNetB6</c> (efficientnet.py): width 1.8, depth 2.6, 528x528 by
    /// default, dropout 0.5. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB6(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb6") =>
        EfficientNet(nameof(EfficientNetB6), 1.8, 2.6, 528, 0.5, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb6");

    /// <summary>Keras's <c>keras.applications.EfficientNetB7</c> (efficientnet.py): width 2.0, depth 3.1, 600x600 by
    /// default, dropout 0.5. Raw [0, 255] pixels in.</summary>
    public static Model EfficientNetB7(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "efficientnetb7") =>
        EfficientNet(nameof(EfficientNetB7), 2.0, 3.1, 600, 0.5, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "efficientnetb7");

    /// <summary>One stage of EfficientNet-B0 before scaling (Keras's DEFAULT_BLOCKS_ARGS): every stage squeezes to a quarter
    /// of its input filters and keeps the identity skip where shapes allow.</summary>
    private readonly record struct EfficientNetStage(int KernelSize, int Repeats, int FiltersIn, int FiltersOut, int ExpandRatio, int Strides);

    private static readonly EfficientNetStage[] EfficientNetStages =
    [
        new(3, 1, 32, 16, 1, 1),
        new(3, 2, 16, 24, 6, 2),
        new(5, 2, 24, 40, 6, 2),
        new(3, 3, 40, 80, 6, 2),
        new(5, 3, 80, 112, 6, 1),
        new(5, 4, 112, 192, 6, 2),
        new(3, 1, 192, 320, 6, 1),
    ];

    private const double EfficientNetSqueezeRatio = 0.25, EfficientNetDropConnectRate = 0.2;
    private const int EfficientNetDepthDivisor = 8;

    /// <summary>The per-channel standard deviations of ImageNet's RGB pixels (on [0, 1]) Keras divides by a second time after
    /// the Normalization layer when it loads the ImageNet weights, whose stored "variance" holds these deviations.</summary>
    private static readonly double[] ImageNetStddevRgb = [0.229, 0.224, 0.225];

    private static Model EfficientNet(string model, double widthCoefficient, double depthCoefficient, int defaultSize, double dropoutRate,
        bool includeTop, string? weights, Input? inputTensor, int[]? inputShape, string? pooling, int classes,
        string? classifierActivation, string name, string file)
    {
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        var input = ImageInput(model, inputTensor, inputShape, defaultSize, minSize: 32, includeTop, weights);
        int Filters(int filters) => RoundFilters(filters, widthCoefficient);
        int Repeats(int repeats) => (int)Math.Ceiling(depthCoefficient * repeats);

        SymbolicTensor x = new Rescaling(1.0 / 255).Apply(input);
        var normalization = new Normalization(axis: -1);
        x = normalization.Apply(x);
        // Keras's layer runs at mean 0 and variance 1 (the identity) until the weights bring ImageNet's.
        normalization.UseInitialStatistics();
        // The ImageNet files store the deviations where the variances belong; Keras makes up for it with a second division
        // by their square roots, only when it loads those weights.
        if (weights == ImageNet)
            x = new Rescaling([.. ImageNetStddevRgb.Select(s => 1 / Math.Sqrt(s))], [0.0]).Apply(x);
        x = new ZeroPadding2D(CorrectPad(x.Shape, 3), name: "stem_conv_pad").Apply(x);
        x = EfficientNetConv(Filters(32), 3, "stem_conv", strides: 2, padding: "valid").Apply(x);
        x = new BatchNormalization(name: "stem_bn").Apply(x);
        x = new Activation("swish", name: "stem_activation").Apply(x);

        double totalBlocks = EfficientNetStages.Sum(s => Repeats(s.Repeats));
        int blockIndex = 0;
        for (int stage = 0; stage < EfficientNetStages.Length; stage++)
        {
            var args = EfficientNetStages[stage];
            int filtersIn = Filters(args.FiltersIn), filtersOut = Filters(args.FiltersOut);
            for (int repeat = 0; repeat < Repeats(args.Repeats); repeat++)
            {
                bool first = repeat == 0;
                x = EfficientNetBlock(x, EfficientNetDropConnectRate * blockIndex / totalBlocks, $"block{stage + 1}{(char)('a' + repeat)}_",
                    first ? filtersIn : filtersOut, filtersOut, args.KernelSize, first ? args.Strides : 1, args.ExpandRatio);
                blockIndex++;
            }
        }

        x = EfficientNetConv(Filters(1280), 1, "top_conv").Apply(x);
        x = new BatchNormalization(name: "top_bn").Apply(x);
        x = new Activation("swish", name: "top_activation").Apply(x);
        if (includeTop)
        {
            x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
            if (dropoutRate > 0) x = new Dropout(dropoutRate, name: "top_dropout").Apply(x);
            x = new Dense(classes, ActivationFunction.Get(classifierActivation), useBias: true,
                new VarianceScaling(1.0 / 3, "fan_out", "uniform"), Initializer.Get("zeros"), name: "predictions").Apply(x);
        }
        else x = Pool(model, x, pooling, averageName: "avg_pool", maxName: "max_pool");
        string weightsFile = $"{file}{(includeTop ? "" : "_notop")}.h5";
        return LoadWeights(new Model(input, x, name), weights, weightsFile, EfficientNetWeightsUrl + weightsFile,
            EfficientNetImageNetHashes[weightsFile]);
    }

    /// <summary>Keras's round_filters: the filters scaled by the width coefficient, rounded to the nearest multiple of 8
    /// (at least 8), one multiple more when rounding lost over a tenth.</summary>
    internal static int RoundFilters(int filters, double widthCoefficient, int divisor = EfficientNetDepthDivisor)
    {
        double scaled = filters * widthCoefficient;
        int rounded = Math.Max(divisor, (int)(scaled + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * scaled ? rounded + divisor : rounded;
    }

    /// <summary>Keras's imagenet_utils.correct_pad for a stride-2 "valid" convolution: half the kernel on each side, one
    /// less at the top (left) when the height (width) is even or unknown, so the output matches TensorFlow's "same".</summary>
    internal static Padding2D CorrectPad(int[] shape, int kernelSize)
    {
        bool unknown = shape[0] == Layer.UnknownDimension;
        int adjustRows = unknown ? 1 : 1 - shape[0] % 2;
        int adjustColumns = unknown || shape[1] == Layer.UnknownDimension ? 1 : 1 - shape[1] % 2;
        int half = kernelSize / 2;
        return ((half - adjustRows, half), (half - adjustColumns, half));
    }

    /// <summary>Keras's CONV_KERNEL_INITIALIZER: variance scaling 2.0 over fan_out, truncated normal.</summary>
    private static VarianceScaling EfficientNetConvInitializer() => new(2.0, "fan_out", "truncated_normal");

    private static Conv2D EfficientNetConv(int filters, int kernelSize, string name, int strides = 1, string padding = "same",
        string? activation = null, bool useBias = false) =>
        new(filters, kernelSize, strides, padding, 1, ActivationFunction.Get(activation), useBias, EfficientNetConvInitializer(),
            Initializer.Get("zeros"), name: name);

    /// <summary>Keras's efficientnet.block: an inverted residual block (1x1 expansion unless the ratio is 1, depthwise
    /// convolution, squeeze-and-excitation, 1x1 projection), with a skip connection and per-sample drop-connect when the
    /// shapes allow it.</summary>
    private static SymbolicTensor EfficientNetBlock(SymbolicTensor inputs, double dropRate, string name, int filtersIn, int filtersOut,
        int kernelSize, int strides, int expandRatio)
    {
        int filters = filtersIn * expandRatio;
        var x = inputs;
        if (expandRatio != 1)
        {
            x = EfficientNetConv(filters, 1, name + "expand_conv").Apply(x);
            x = new BatchNormalization(name: name + "expand_bn").Apply(x);
            x = new Activation("swish", name: name + "expand_activation").Apply(x);
        }
        string padding = "same";
        if (strides == 2)
        {
            x = new ZeroPadding2D(CorrectPad(x.Shape, kernelSize), name: name + "dwconv_pad").Apply(x);
            padding = "valid";
        }
        x = new DepthwiseConv2D(kernelSize, strides, padding, 1, null, 1, ActivationFunction.Get(null), useBias: false,
            EfficientNetConvInitializer(), Initializer.Get("zeros"), name: name + "dwconv").Apply(x);
        x = new BatchNormalization(name: name + "bn").Apply(x);
        x = new Activation("swish", name: name + "activation").Apply(x);

        int filtersSqueezed = Math.Max(1, (int)(filtersIn * EfficientNetSqueezeRatio));
        var se = new GlobalAveragePooling2D(name: name + "se_squeeze").Apply(x);
        se = new Reshape([1, 1, filters], name: name + "se_reshape").Apply(se);
        se = EfficientNetConv(filtersSqueezed, 1, name + "se_reduce", activation: "swish", useBias: true).Apply(se);
        se = EfficientNetConv(filters, 1, name + "se_expand", activation: "sigmoid", useBias: true).Apply(se);
        x = new Multiply(name: name + "se_excite").Apply(x, se);

        x = EfficientNetConv(filtersOut, 1, name + "project_conv").Apply(x);
        x = new BatchNormalization(name: name + "project_bn").Apply(x);
        if (strides == 1 && filtersIn == filtersOut)
        {
            if (dropRate > 0) x = new Dropout(dropRate, name: name + "drop", noiseShape: [null, 1, 1, 1]).Apply(x);
            x = new Add(name: name + "add").Apply(x, inputs);
        }
        return x;
    }
}
