using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    private const string XceptionWeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/xception/";

    /// <summary>The md5 hashes Keras's get_file checks the Xception ImageNet files against (file_hash in
    /// keras/src/applications/xception.py), by Keras's file name.</summary>
    internal static readonly IReadOnlyDictionary<string, string> XceptionImageNetHashes = new Dictionary<string, string>
    {
        ["xception_weights_tf_dim_ordering_tf_kernels.h5"] = "0a58e3b7378bc2990ea3b43d5981f1f6",
        ["xception_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "b0042744bf5b25fce3cb969f33bebb97",
    };

    /// <summary>
    /// Keras's <c>keras.applications.Xception</c> (keras/src/applications/xception.py): an entry flow of two plain 3x3
    /// convolutions (block1) and three separable blocks (block2..block4: 128, 256, 728 filters) that each halve the size
    /// with 3x3 "same" max pooling and add a strided 1x1 convolution of their input; a middle flow of eight residual
    /// blocks (block5..block12) of three ReLU + 728-filter separable convolutions; an exit flow (block13, 728 then 1024
    /// filters with the same strided shortcut; block14, 1536 and 2048 filters); then avg_pool and the classifier
    /// "predictions". Convolutions have no bias, each is followed by BatchNormalization with Keras's defaults; the
    /// shortcut convolutions, their normalizations and the additions keep Keras's automatic names.
    /// 299x299 by default, at least 71x71. Its inputs are <see cref="PreprocessInput"/>'s "tf" mode (pixels to [-1, 1]).
    /// </summary>
    public static Model Xception(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "xception")
    {
        const string model = nameof(Xception);
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        var input = ImageInput(model, inputTensor, inputShape, defaultSize: 299, minSize: 71, includeTop, weights);
        SymbolicTensor x = new Conv2D(32, 3, strides: 2, useBias: false, name: "block1_conv1").Apply(input);
        x = new BatchNormalization(name: "block1_conv1_bn").Apply(x);
        x = new Activation("relu", name: "block1_conv1_act").Apply(x);
        x = new Conv2D(64, 3, useBias: false, name: "block1_conv2").Apply(x);
        x = new BatchNormalization(name: "block1_conv2_bn").Apply(x);
        x = new Activation("relu", name: "block1_conv2_act").Apply(x);

        x = XceptionDownBlock(x, 2, 128, 128, reluFirst: false);
        x = XceptionDownBlock(x, 3, 256, 256, reluFirst: true);
        x = XceptionDownBlock(x, 4, 728, 728, reluFirst: true);
        for (int block = 5; block <= 12; block++)
        {
            var shortcut = x;
            for (int conv = 1; conv <= 3; conv++)
            {
                x = new Activation("relu", name: $"block{block}_sepconv{conv}_act").Apply(x);
                x = XceptionSeparable(x, 728, $"block{block}_sepconv{conv}");
            }
            x = new Add().Apply(x, shortcut);
        }
        x = XceptionDownBlock(x, 13, 728, 1024, reluFirst: true);

        x = XceptionSeparable(x, 1536, "block14_sepconv1");
        x = new Activation("relu", name: "block14_sepconv1_act").Apply(x);
        x = XceptionSeparable(x, 2048, "block14_sepconv2");
        x = new Activation("relu", name: "block14_sepconv2_act").Apply(x);
        x = AveragePoolClassifier(model, x, includeTop, pooling, classes, classifierActivation, namedPooling: false);
        string weightsFile = KerasTwoImageNetFile("xception", includeTop);
        return LoadWeights(new Model(input, x, name), weights, weightsFile, XceptionWeightsUrl + weightsFile, XceptionImageNetHashes[weightsFile]);
    }

    /// <summary>A block that halves the size: two separable convolutions (the first after a ReLU unless
    /// <paramref name="reluFirst"/> is false, as in block2), 3x3 stride-2 max pooling, plus a strided 1x1 convolution
    /// of the block's input, made first as Keras makes it.</summary>
    private static SymbolicTensor XceptionDownBlock(SymbolicTensor x, int block, int firstFilters, int secondFilters, bool reluFirst)
    {
        var shortcut = new Conv2D(secondFilters, 1, strides: 2, padding: "same", useBias: false).Apply(x);
        shortcut = new BatchNormalization().Apply(shortcut);
        if (reluFirst) x = new Activation("relu", name: $"block{block}_sepconv1_act").Apply(x);
        x = XceptionSeparable(x, firstFilters, $"block{block}_sepconv1");
        x = new Activation("relu", name: $"block{block}_sepconv2_act").Apply(x);
        x = XceptionSeparable(x, secondFilters, $"block{block}_sepconv2");
        x = new MaxPooling2D(3, strides: 2, padding: "same", name: $"block{block}_pool").Apply(x);
        return new Add().Apply(x, shortcut);
    }

    /// <summary>A 3x3 "same" separable convolution without bias and its BatchNormalization ("name" and "name_bn").</summary>
    private static SymbolicTensor XceptionSeparable(SymbolicTensor x, int filters, string name)
    {
        x = new SeparableConv2D(filters, 3, padding: "same", useBias: false, name: name).Apply(x);
        return new BatchNormalization(name: $"{name}_bn").Apply(x);
    }
}
