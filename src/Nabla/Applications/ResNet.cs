using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    private const string ResNetWeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/";

    /// <summary>The md5 hashes Keras's get_file checks the ResNet and ResNetV2 ImageNet files against (WEIGHTS_HASHES in
    /// keras/src/applications/resnet.py, which builds both), by Keras's file name.</summary>
    internal static readonly IReadOnlyDictionary<string, string> ResNetImageNetHashes = new Dictionary<string, string>
    {
        ["resnet50_weights_tf_dim_ordering_tf_kernels.h5"] = "2cb95161c43110f7111970584f804107",
        ["resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "4d473c1dd8becc155b73f8504c6f6626",
        ["resnet101_weights_tf_dim_ordering_tf_kernels.h5"] = "f1aeb4b969a6efcfb50fad2f0c20cfc5",
        ["resnet101_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "88cf7a10940856eca736dc7b7e228a21",
        ["resnet152_weights_tf_dim_ordering_tf_kernels.h5"] = "100835be76be38e30d865e96f2aaae62",
        ["resnet152_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "ee4c566cf9a93f14d82f913c2dc6dd0c",
        ["resnet50v2_weights_tf_dim_ordering_tf_kernels.h5"] = "3ef43a0b657b3be2300d5770ece849e0",
        ["resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "fac2f116257151a9d068a22e544a4917",
        ["resnet101v2_weights_tf_dim_ordering_tf_kernels.h5"] = "6343647c601c52e1368623803854d971",
        ["resnet101v2_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "c0ed64b8031c3730f411d2eb4eea35b5",
        ["resnet152v2_weights_tf_dim_ordering_tf_kernels.h5"] = "a49b44d1979771252814e80f8ec446f9",
        ["resnet152v2_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "ed17cf2e0169df9d443503ef94b23b33",
    };

    /// <summary>Keras's BatchNormalization epsilon throughout its ResNets.</summary>
    private const double ResNetEpsilon = 1.001e-5;

    /// <summary>The channels axis Keras gives every ResNet BatchNormalization (bn_axis for channels_last images).</summary>
    private const int ResNetChannelsAxis = 3;

    /// <summary>
    /// Keras's <c>keras.applications.ResNet50</c> (keras/src/applications/resnet.py): the stem (7x7 stride-2 convolution
    /// "conv1_conv" with BatchNormalization and ReLU, 3x3 stride-2 max pooling "pool1_pool"), then four stacks "conv2" to
    /// "conv5" of 3, 4, 6 and 3 bottleneck blocks (1x1, 3x3, 1x1 convolutions, 64, 128, 256 and 512 filters, four times
    /// that out) whose first block has a 1x1 convolution shortcut and halves the size (except in conv2), the others an
    /// identity shortcut; with the top, "avg_pool" and the classifier "predictions". 224x224 by default, at least 32x32.
    /// Its inputs are <see cref="PreprocessInput"/>'s "caffe" mode (keras.applications.resnet.preprocess_input).
    /// </summary>
    public static Model ResNet50(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet50") =>
        ResNet(nameof(ResNet50), [3, 4, 6, 3], preact: false, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "resnet50");

    /// <summary>Keras's <c>keras.applications.ResNet101</c> (resnet.py): <see cref="ResNet50"/> with 3, 4, 23 and 3 blocks.
    /// Inputs in "caffe" mode.</summary>
    public static Model ResNet101(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet101") =>
        ResNet(nameof(ResNet101), [3, 4, 23, 3], preact: false, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "resnet101");

    /// <summary>Keras's <c>keras.applications.ResNet152</c> (resnet.py): <see cref="ResNet50"/> with 3, 8, 36 and 3 blocks.
    /// Inputs in "caffe" mode.</summary>
    public static Model ResNet152(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet152") =>
        ResNet(nameof(ResNet152), [3, 8, 36, 3], preact: false, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "resnet152");

    /// <summary>
    /// Keras's ResNet builder (resnet.py's <c>ResNet</c>) for the original blocks and the pre-activation ones of
    /// resnet_v2.py (<paramref name="preact"/>): the V2 stem has no BatchNormalization or ReLU after "conv1_conv", and
    /// "post_bn" and "post_relu" close the last stack instead. Every convolution of the stem has a bias. The ImageNet file
    /// is named after <paramref name="file"/>, whatever the model's <paramref name="name"/>.
    /// </summary>
    private static Model ResNet(string model, int[] blocks, bool preact, bool includeTop, string? weights, Input? inputTensor,
        int[]? inputShape, string? pooling, int classes, string? classifierActivation, string name, string file)
    {
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        var input = ImageInput(model, inputTensor, inputShape, defaultSize: 224, minSize: 32, includeTop, weights);
        SymbolicTensor x = new ZeroPadding2D(((3, 3), (3, 3)), name: "conv1_pad").Apply(input);
        x = new Conv2D(64, 7, strides: 2, useBias: true, name: "conv1_conv").Apply(x);
        if (!preact)
        {
            x = ResNetBatchNormalization("conv1_bn").Apply(x);
            x = new Activation("relu", name: "conv1_relu").Apply(x);
        }
        x = new ZeroPadding2D(((1, 1), (1, 1)), name: "pool1_pad").Apply(x);
        x = new MaxPooling2D(3, strides: 2, name: "pool1_pool").Apply(x);
        int[] filters = [64, 128, 256, 512];
        for (int stack = 0; stack < 4; stack++)
        {
            string stackName = $"conv{stack + 2}";
            x = preact
                ? PreActivationStack(x, filters[stack], blocks[stack], stride: stack == 3 ? 1 : 2, stackName)
                : ResidualStack(x, filters[stack], blocks[stack], stride: stack == 0 ? 1 : 2, stackName);
        }
        if (preact)
        {
            x = ResNetBatchNormalization("post_bn").Apply(x);
            x = new Activation("relu", name: "post_relu").Apply(x);
        }
        x = AveragePoolClassifier(model, x, includeTop, pooling, classes, classifierActivation, namedPooling: true);
        string weightsFile = KerasTwoImageNetFile(file, includeTop);
        return LoadWeights(new Model(input, x, name), weights, weightsFile, ResNetWeightsUrl + weightsFile, ResNetImageNetHashes[weightsFile]);
    }

    private static BatchNormalization ResNetBatchNormalization(string name) =>
        new(epsilon: ResNetEpsilon, name: name, axis: ResNetChannelsAxis);

    /// <summary>resnet.py's stack_residual_blocks_v1: the first block "{name}_block1" strides by <paramref name="stride"/>
    /// and has a convolution shortcut, the next ones keep the size and add their input.</summary>
    private static SymbolicTensor ResidualStack(SymbolicTensor x, int filters, int blocks, int stride, string name)
    {
        x = ResidualBlock(x, filters, stride, convolutionShortcut: true, $"{name}_block1");
        for (int block = 2; block <= blocks; block++)
            x = ResidualBlock(x, filters, 1, convolutionShortcut: false, $"{name}_block{block}");
        return x;
    }

    /// <summary>resnet.py's residual_block_v1: 1x1 (strided), 3x3 "same" and 1x1 (4x filters) convolutions, each
    /// followed by BatchNormalization, ReLU after the first two; added to the shortcut ("_0_conv" and "_0_bn", or the
    /// input itself) in "_add", then ReLU "_out".</summary>
    private static SymbolicTensor ResidualBlock(SymbolicTensor x, int filters, int stride, bool convolutionShortcut, string name)
    {
        var shortcut = x;
        if (convolutionShortcut)
        {
            shortcut = new Conv2D(4 * filters, 1, strides: stride, name: $"{name}_0_conv").Apply(x);
            shortcut = ResNetBatchNormalization($"{name}_0_bn").Apply(shortcut);
        }
        x = new Conv2D(filters, 1, strides: stride, name: $"{name}_1_conv").Apply(x);
        x = ResNetBatchNormalization($"{name}_1_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_1_relu").Apply(x);
        x = new Conv2D(filters, 3, padding: "same", name: $"{name}_2_conv").Apply(x);
        x = ResNetBatchNormalization($"{name}_2_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_2_relu").Apply(x);
        x = new Conv2D(4 * filters, 1, name: $"{name}_3_conv").Apply(x);
        x = ResNetBatchNormalization($"{name}_3_bn").Apply(x);
        x = new Add(name: $"{name}_add").Apply(shortcut, x);
        return new Activation("relu", name: $"{name}_out").Apply(x);
    }
}
