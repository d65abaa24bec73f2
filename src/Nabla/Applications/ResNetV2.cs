using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    /// <summary>
    /// Keras's <c>keras.applications.ResNet50V2</c> (keras/src/applications/resnet_v2.py, built by resnet.py): the
    /// pre-activation ResNet. The stem is "conv1_conv" without normalization, then max pooling "pool1_pool"; four stacks
    /// "conv2" to "conv5" of 3, 4, 6 and 3 blocks, each block normalizing and activating its input first ("_preact_bn",
    /// "_preact_relu") and ending in the addition "_out"; the first block of a stack has a 1x1 convolution shortcut, and
    /// the last block of conv2, conv3 and conv4 halves the size (its shortcut a 1x1 stride-2 max pooling); "post_bn" and
    /// "post_relu" follow the last stack. 224x224 by default, at least 32x32. Its inputs are <see cref="PreprocessInput"/>'s
    /// "tf" mode (keras.applications.resnet_v2.preprocess_input: pixels scaled to [-1, 1]).
    /// </summary>
    public static Model ResNet50V2(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet50v2") =>
        ResNet(nameof(ResNet50V2), [3, 4, 6, 3], preact: true, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "resnet50v2");

    /// <summary>Keras's <c>keras.applications.ResNet101V2</c> (resnet_v2.py): <see cref="ResNet50V2"/> with 3, 4, 23 and
    /// 3 blocks. Inputs in "tf" mode.</summary>
    public static Model ResNet101V2(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet101v2") =>
        ResNet(nameof(ResNet101V2), [3, 4, 23, 3], preact: true, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "resnet101v2");

    /// <summary>Keras's <c>keras.applications.ResNet152V2</c> (resnet_v2.py): <see cref="ResNet50V2"/> with 3, 8, 36 and
    /// 3 blocks. Inputs in "tf" mode.</summary>
    public static Model ResNet152V2(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "resnet152v2") =>
        ResNet(nameof(ResNet152V2), [3, 8, 36, 3], preact: true, includeTop, weights, inputTensor, inputShape, pooling, classes,
            classifierActivation, name, "resnet152v2");

    /// <summary>resnet.py's stack_residual_blocks_v2: a first block "{name}_block1" with a convolution shortcut, identity
    /// blocks, and a last block that strides by <paramref name="stride"/> (1 in conv5).</summary>
    private static SymbolicTensor PreActivationStack(SymbolicTensor x, int filters, int blocks, int stride, string name)
    {
        x = PreActivationBlock(x, filters, 1, convolutionShortcut: true, $"{name}_block1");
        for (int block = 2; block < blocks; block++)
            x = PreActivationBlock(x, filters, 1, convolutionShortcut: false, $"{name}_block{block}");
        return PreActivationBlock(x, filters, stride, convolutionShortcut: false, $"{name}_block{blocks}");
    }

    /// <summary>resnet.py's residual_block_v2: BatchNormalization and ReLU of the input ("_preact_bn", "_preact_relu"),
    /// then 1x1, zero-padded 3x3 (strided) and 1x1 (4x filters) convolutions, the first two without bias and followed by
    /// BatchNormalization and ReLU, the last one with bias and nothing after; added in "_out" to the shortcut: "_0_conv"
    /// on the activated input, or the input itself, through an unnamed 1x1 max pooling when the block strides.</summary>
    private static SymbolicTensor PreActivationBlock(SymbolicTensor x, int filters, int stride, bool convolutionShortcut, string name)
    {
        var preact = ResNetBatchNormalization($"{name}_preact_bn").Apply(x);
        preact = new Activation("relu", name: $"{name}_preact_relu").Apply(preact);
        var shortcut = convolutionShortcut ? new Conv2D(4 * filters, 1, strides: stride, name: $"{name}_0_conv").Apply(preact)
            : stride > 1 ? new MaxPooling2D(1, strides: stride).Apply(x)
            : x;
        x = new Conv2D(filters, 1, strides: 1, useBias: false, name: $"{name}_1_conv").Apply(preact);
        x = ResNetBatchNormalization($"{name}_1_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_1_relu").Apply(x);
        x = new ZeroPadding2D(((1, 1), (1, 1)), name: $"{name}_2_pad").Apply(x);
        x = new Conv2D(filters, 3, strides: stride, useBias: false, name: $"{name}_2_conv").Apply(x);
        x = ResNetBatchNormalization($"{name}_2_bn").Apply(x);
        x = new Activation("relu", name: $"{name}_2_relu").Apply(x);
        x = new Conv2D(4 * filters, 1, name: $"{name}_3_conv").Apply(x);
        return new Add(name: $"{name}_out").Apply(shortcut, x);
    }
}
