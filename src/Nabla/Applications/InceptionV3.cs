using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    private const string InceptionV3WeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/";

    /// <summary>The md5 hashes Keras's get_file checks the InceptionV3 ImageNet files against (file_hash in
    /// keras/src/applications/inception_v3.py), by Keras's file name.</summary>
    internal static readonly IReadOnlyDictionary<string, string> InceptionV3ImageNetHashes = new Dictionary<string, string>
    {
        ["inception_v3_weights_tf_dim_ordering_tf_kernels.h5"] = "9a0d58056eeedaa3f26cb7ebd46da564",
        ["inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "bcbd6486424b2319ff4ef7d526e38f63",
    };

    /// <summary>
    /// Keras's <c>keras.applications.InceptionV3</c> (keras/src/applications/inception_v3.py): a stem of five
    /// convolutions and two 3x3 stride-2 max poolings, then eleven Inception modules whose branches (1x1, 5x5, double 3x3,
    /// factorized 1x7/7x1 and 1x3/3x1 convolutions, 3x3 average or max pooling) are concatenated on the channels into
    /// mixed0..mixed10 (mixed3 and mixed8 halve the size; mixed9 and mixed10 also join their split 3x3 branches, into
    /// mixed9_0 and mixed9_1 and two unnamed concatenations), then avg_pool and the classifier "predictions".
    /// Every convolution is Keras's conv2d_bn: a Conv2D without bias, BatchNormalization with scale off (epsilon 1e-3,
    /// Keras's default) and a ReLU, all three with Keras's automatic names (conv2d_N, batch_normalization_N, activation_N).
    /// 299x299 by default, at least 75x75. Its inputs are <see cref="PreprocessInput"/>'s "tf" mode (pixels to [-1, 1]).
    /// </summary>
    public static Model InceptionV3(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "inception_v3")
    {
        const string model = nameof(InceptionV3);
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        var input = ImageInput(model, inputTensor, inputShape, defaultSize: 299, minSize: 75, includeTop, weights);
        var x = ConvBn(input, 32, 3, 3, strides: 2, padding: "valid");
        x = ConvBn(x, 32, 3, 3, padding: "valid");
        x = ConvBn(x, 64, 3, 3);
        x = new MaxPooling2D(3, strides: 2).Apply(x);
        x = ConvBn(x, 80, 1, 1, padding: "valid");
        x = ConvBn(x, 192, 3, 3, padding: "valid");
        x = new MaxPooling2D(3, strides: 2).Apply(x);

        // mixed0..mixed2 (35x35 at 299): 1x1, 5x5, double 3x3 and pooled branches.
        for (int i = 0; i <= 2; i++)
        {
            var single = ConvBn(x, 64, 1, 1);
            var five = ConvBn(ConvBn(x, 48, 1, 1), 64, 5, 5);
            var doubleThree = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3);
            var pooled = ConvBn(AveragePool3x3(x), i == 0 ? 32 : 64, 1, 1);
            x = Join($"mixed{i}", single, five, doubleThree, pooled);
        }

        // mixed3 (to 17x17).
        {
            var three = ConvBn(x, 384, 3, 3, strides: 2, padding: "valid");
            var doubleThree = ConvBn(ConvBn(ConvBn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3, strides: 2, padding: "valid");
            var pooled = new MaxPooling2D(3, strides: 2).Apply(x);
            x = Join("mixed3", three, doubleThree, pooled);
        }

        // mixed4..mixed7: factorized 7x7 branches of 128, 160, 160 and 192 inner filters.
        int[] inner = [128, 160, 160, 192];
        for (int i = 0; i < 4; i++)
        {
            int f = inner[i];
            var single = ConvBn(x, 192, 1, 1);
            var seven = ConvBn(ConvBn(ConvBn(x, f, 1, 1), f, 1, 7), 192, 7, 1);
            var doubleSeven = ConvBn(x, f, 1, 1);
            doubleSeven = ConvBn(ConvBn(ConvBn(doubleSeven, f, 7, 1), f, 1, 7), f, 7, 1);
            doubleSeven = ConvBn(doubleSeven, 192, 1, 7);
            var pooled = ConvBn(AveragePool3x3(x), 192, 1, 1);
            x = Join($"mixed{4 + i}", single, seven, doubleSeven, pooled);
        }

        // mixed8 (to 8x8).
        {
            var three = ConvBn(ConvBn(x, 192, 1, 1), 320, 3, 3, strides: 2, padding: "valid");
            var sevenThree = ConvBn(ConvBn(ConvBn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1);
            sevenThree = ConvBn(sevenThree, 192, 3, 3, strides: 2, padding: "valid");
            var pooled = new MaxPooling2D(3, strides: 2).Apply(x);
            x = Join("mixed8", three, sevenThree, pooled);
        }

        // mixed9 and mixed10: 3x3 branches split into 1x3 and 3x1 halves.
        for (int i = 0; i < 2; i++)
        {
            var single = ConvBn(x, 320, 1, 1);
            var three = ConvBn(x, 384, 1, 1);
            three = Join($"mixed9_{i}", ConvBn(three, 384, 1, 3), ConvBn(three, 384, 3, 1));
            var doubleThree = ConvBn(ConvBn(x, 448, 1, 1), 384, 3, 3);
            doubleThree = Join(null, ConvBn(doubleThree, 384, 1, 3), ConvBn(doubleThree, 384, 3, 1));
            var pooled = ConvBn(AveragePool3x3(x), 192, 1, 1);
            x = Join($"mixed{9 + i}", single, three, doubleThree, pooled);
        }

        x = AveragePoolClassifier(model, x, includeTop, pooling, classes, classifierActivation, namedPooling: false);
        string weightsFile = KerasTwoImageNetFile("inception_v3", includeTop);
        return LoadWeights(new Model(input, x, name), weights, weightsFile, InceptionV3WeightsUrl + weightsFile, InceptionV3ImageNetHashes[weightsFile]);
    }

    /// <summary>Keras's conv2d_bn, unnamed as InceptionV3 calls it: a Conv2D without bias, BatchNormalization on axis 3
    /// without its scale (gamma), and a ReLU.</summary>
    private static SymbolicTensor ConvBn(SymbolicTensor x, int filters, int rows, int columns, int strides = 1, string padding = "same")
    {
        x = new Conv2D(filters, (rows, columns), strides: strides, padding: padding, useBias: false).Apply(x);
        x = new BatchNormalization(scale: false, axis: 3).Apply(x);
        return new Activation("relu").Apply(x);
    }

    /// <summary>The pooled branch's 3x3 stride-1 "same" average pooling.</summary>
    private static SymbolicTensor AveragePool3x3(SymbolicTensor x) => new AveragePooling2D(3, strides: 1, padding: "same").Apply(x);

    /// <summary>Concatenates branches on the channels (Keras's axis 3).</summary>
    private static SymbolicTensor Join(string? name, params SymbolicTensor[] branches) => new Concatenate(axis: 3, name: name).Apply(branches);
}
