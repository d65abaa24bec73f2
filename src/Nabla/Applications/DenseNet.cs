using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    private const string DenseNetWeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/";

    /// <summary>The md5 hashes Keras's get_file checks the DenseNet ImageNet files against (file_hash in
    /// keras/src/applications/densenet.py), by Keras's file name.</summary>
    internal static readonly IReadOnlyDictionary<string, string> DenseNetImageNetHashes = new Dictionary<string, string>
    {
        ["densenet121_weights_tf_dim_ordering_tf_kernels.h5"] = "9d60b8095a5708f2dcce2bca79d332c7",
        ["densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "30ee3e1110167f948a6b9946edeeb738",
        ["densenet169_weights_tf_dim_ordering_tf_kernels.h5"] = "d699b8f76981ab1b30698df4c175e90b",
        ["densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "b8c4d4c20dd625c148057b9ff1c1176b",
        ["densenet201_weights_tf_dim_ordering_tf_kernels.h5"] = "1ceb130c1ea1b78c3bf6114dbdfd8807",
        ["densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "c13680b51ded0fb44dff2d8f86ac8bb1",
    };

    /// <summary>Keras's DenseNet batch normalization epsilon (densenet.py uses 1.001e-5 throughout).</summary>
    private const double DenseNetEpsilon = 1.001e-5;

    /// <summary>
    /// Keras's <c>keras.applications.DenseNet121</c> (keras/src/applications/densenet.py): a 7x7 stride-2 stem
    /// (conv1_conv, conv1_bn, conv1_relu, then pool1, 3x3 stride-2 max pooling), four dense blocks of 6, 12, 24 and 16
    /// bottleneck units (BN, ReLU, 1x1 convolution to 128 channels, BN, ReLU, 3x3 convolution to 32 channels, the 32 new
    /// channels concatenated onto the block's input) joined by transitions pool2..pool4 (BN, ReLU, a 1x1 convolution halving
    /// the channels, 2x2 average pooling), a last bn and relu, then avg_pool and the classifier "predictions".
    /// 224x224 by default, at least 32x32. Its inputs are <see cref="PreprocessInput"/>'s "torch" mode.
    /// </summary>
    public static Model DenseNet121(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet121") =>
        DenseNet(nameof(DenseNet121), [6, 12, 24, 16], includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name, "densenet121");

    /// <summary>Keras's <c>keras.applications.DenseNet169</c> (densenet.py): DenseNet121 with dense blocks of 6, 12, 32 and 32
    /// units. Its inputs are <see cref="PreprocessInput"/>'s "torch" mode.</summary>
    public static Model DenseNet169(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet169") =>
        DenseNet(nameof(DenseNet169), [6, 12, 32, 32], includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name, "densenet169");

    /// <summary>Keras's <c>keras.applications.DenseNet201</c> (densenet.py): DenseNet121 with dense blocks of 6, 12, 48 and 32
    /// units. Its inputs are <see cref="PreprocessInput"/>'s "torch" mode.</summary>
    public static Model DenseNet201(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "densenet201") =>
        DenseNet(nameof(DenseNet201), [6, 12, 48, 32], includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name, "densenet201");

    /// <summary>The shared DenseNet builder; <paramref name="file"/> is the stem of Keras's weights files ("densenet121").</summary>
    private static Model DenseNet(string model, int[] blocks, bool includeTop, string? weights, Input? inputTensor, int[]? inputShape,
        string? pooling, int classes, string? classifierActivation, string name, string file)
    {
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        var input = ImageInput(model, inputTensor, inputShape, defaultSize: 224, minSize: 32, includeTop, weights);
        SymbolicTensor x = new ZeroPadding2D(((3, 3), (3, 3))).Apply(input);
        x = new Conv2D(64, 7, strides: 2, useBias: false, name: "conv1_conv").Apply(x);
        x = new BatchNormalization(epsilon: DenseNetEpsilon, axis: 3, name: "conv1_bn").Apply(x);
        x = new Activation("relu", name: "conv1_relu").Apply(x);
        x = new ZeroPadding2D(((1, 1), (1, 1))).Apply(x);
        x = new MaxPooling2D(3, strides: 2, name: "pool1").Apply(x);
        int channels = 64;
        for (int stage = 0; stage < 4; stage++)
        {
            for (int unit = 1; unit <= blocks[stage]; unit++, channels += 32)
                x = DenseUnit(x, $"conv{stage + 2}_block{unit}");
            if (stage == 3) break;
            channels /= 2; // Keras takes int(channels * 0.5); every DenseNet stage ends with an even count
            x = DenseTransition(x, channels, $"pool{stage + 2}");
        }
        x = new BatchNormalization(epsilon: DenseNetEpsilon, axis: 3, name: "bn").Apply(x);
        x = new Activation("relu", name: "relu").Apply(x);
        x = AveragePoolClassifier(model, x, includeTop, pooling, classes, classifierActivation, namedPooling: true);
        string weightsFile = KerasTwoImageNetFile(file, includeTop);
        return LoadWeights(new Model(input, x, name), weights, weightsFile, DenseNetWeightsUrl + weightsFile, DenseNetImageNetHashes[weightsFile]);
    }

    /// <summary>Keras's conv_block: a bottleneck whose 32 new channels are concatenated onto its input.</summary>
    private static SymbolicTensor DenseUnit(SymbolicTensor x, string name)
    {
        var y = new BatchNormalization(epsilon: DenseNetEpsilon, axis: 3, name: $"{name}_0_bn").Apply(x);
        y = new Activation("relu", name: $"{name}_0_relu").Apply(y);
        y = new Conv2D(4 * 32, 1, useBias: false, name: $"{name}_1_conv").Apply(y);
        y = new BatchNormalization(epsilon: DenseNetEpsilon, axis: 3, name: $"{name}_1_bn").Apply(y);
        y = new Activation("relu", name: $"{name}_1_relu").Apply(y);
        y = new Conv2D(32, 3, padding: "same", useBias: false, name: $"{name}_2_conv").Apply(y);
        return new Concatenate(axis: 3, name: $"{name}_concat").Apply(x, y);
    }

    /// <summary>Keras's transition_block: BN, ReLU, a 1x1 convolution to <paramref name="filters"/>, 2x2 average pooling.</summary>
    private static SymbolicTensor DenseTransition(SymbolicTensor x, int filters, string name)
    {
        x = new BatchNormalization(epsilon: DenseNetEpsilon, axis: 3, name: $"{name}_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_relu").Apply(x);
        x = new Conv2D(filters, 1, useBias: false, name: $"{name}_conv").Apply(x);
        return new AveragePooling2D(2, strides: 2, name: $"{name}_pool").Apply(x);
    }
}
