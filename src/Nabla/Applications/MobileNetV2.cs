using System.Globalization;
using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    private const string MobileNetV2WeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";

    /// <summary>
    /// Keras's <c>keras.applications.MobileNetV2</c> (keras/src/applications/mobilenet_v2.py): a 3x3 stride-2
    /// convolution "Conv1", 17 inverted residual blocks (a 1x1 expansion "block_N_expand" to six times the channels,
    /// absent from the first block, which is named "expanded_conv_"; a 3x3 depthwise convolution "…depthwise", zero
    /// padded first as imagenet_utils.correct_pad says (<see cref="CorrectPad"/>) when strided; a linear 1x1 projection "…project"; an Add
    /// "…add" of the block's input when the shape is kept), then the 1x1 convolution "Conv_1" and ReLU6 "out_relu".
    /// Every convolution is without bias and followed by BatchNormalization (epsilon 1e-3, momentum 0.999), every
    /// activation but the projections' ReLU capped at 6. The classifier is global average pooling and the Dense
    /// "predictions". 224x224 by default, at least 32x32; its inputs are <see cref="PreprocessInput"/>'s "tf" mode.
    /// </summary>
    /// <param name="alpha">The width multiplier: each block's filters are int(filters·alpha) rounded to a multiple of
    /// 8 (never 10 % below), the last convolution's 1280 grow with alpha above 1 only. With weights "imagenet" it must be
    /// 0.35, 0.5, 0.75, 1.0, 1.3 or 1.4.</param>
    /// <param name="name">The model's name; null gives Keras's "mobilenetv2_{alpha:0.00}_{rows}" ("mobilenetv2_1.00_224").</param>
    /// <remarks>
    /// With weights "imagenet" the weights of one of the sizes 96, 128, 160, 192 and 224 are read, the input's if it is
    /// square and one of them, else 224's; Keras then only warns, and so does Nabla (on standard error).
    /// </remarks>
    public static Model MobileNetV2(int[]? inputShape = null, double alpha = 1.0, bool includeTop = true, string? weights = ImageNet,
        Input? inputTensor = null, string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string? name = null)
    {
        const string model = nameof(MobileNetV2);
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        CheckWidth(model, alpha);
        int[] sizes = [96, 128, 160, 192, 224];
        var input = ImageInput(model, inputTensor, inputShape, DefaultSize(inputShape ?? inputTensor?.Shape, sizes), minSize: 32, includeTop, weights);
        int rows = input.Shape[0];
        if (weights == ImageNet)
        {
            if (alpha is not (0.35 or 0.5 or 0.75 or 1.0 or 1.3 or 1.4))
                throw new ArgumentException(
                    $"{model}: with weights \"{ImageNet}\" 'alpha' must be 0.35, 0.5, 0.75, 1.0, 1.3 or 1.4; found {Number(alpha)}.", nameof(alpha));
            rows = ImageNetRows(model, input.Shape, sizes);
        }

        SymbolicTensor x = new Conv2D(MakeDivisible(32 * alpha, 8), 3, strides: 2, padding: "same", useBias: false, name: "Conv1").Apply(input);
        x = V2BatchNormalization("bn_Conv1").Apply(x);
        x = new ReLU(6.0, name: "Conv1_relu").Apply(x);
        (int Filters, int Stride, int Expansion)[] blocks =
        [
            (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
            (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
        ];
        for (int id = 0; id < blocks.Length; id++)
            x = InvertedResidualBlock(x, blocks[id].Expansion, blocks[id].Stride, alpha, blocks[id].Filters, id);

        x = new Conv2D(alpha > 1.0 ? MakeDivisible(1280 * alpha, 8) : 1280, 1, useBias: false, name: "Conv_1").Apply(x);
        x = V2BatchNormalization("Conv_1_bn").Apply(x);
        x = new ReLU(6.0, name: "out_relu").Apply(x);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D().Apply(x);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
        }
        else x = Pool(model, x, pooling);

        var built = new Model(input, x, name ?? $"mobilenetv2_{alpha.ToString("F2", CultureInfo.InvariantCulture)}_{RowsText(rows)}");
        string weightsFile = $"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{Number(alpha)}_{rows}{(includeTop ? "" : "_no_top")}.h5";
        // mobilenet_v2.py passes get_file no file_hash for these files, so Keras checks nothing and neither does Nabla.
        return LoadWeights(built, weights, weightsFile, MobileNetV2WeightsUrl + weightsFile, imageNetHash: null);
    }

    /// <summary>Keras's mobilenet_v2._inverted_res_block.</summary>
    private static SymbolicTensor InvertedResidualBlock(SymbolicTensor inputs, int expansion, int stride, double alpha, int filters, int id)
    {
        int inChannels = inputs.Shape[^1];
        int pointwiseFilters = MakeDivisible((int)(filters * alpha), 8);
        var x = inputs;
        string prefix = $"block_{id}_";
        if (id > 0)
        {
            x = new Conv2D(expansion * inChannels, 1, padding: "same", useBias: false, name: $"{prefix}expand").Apply(x);
            x = V2BatchNormalization($"{prefix}expand_BN").Apply(x);
            x = new ReLU(6.0, name: $"{prefix}expand_relu").Apply(x);
        }
        else prefix = "expanded_conv_";
        if (stride == 2) x = new ZeroPadding2D(CorrectPad(x.Shape, 3), name: $"{prefix}pad").Apply(x);
        x = new DepthwiseConv2D(3, strides: stride, padding: stride == 1 ? "same" : "valid", useBias: false, name: $"{prefix}depthwise").Apply(x);
        x = V2BatchNormalization($"{prefix}depthwise_BN").Apply(x);
        x = new ReLU(6.0, name: $"{prefix}depthwise_relu").Apply(x);
        x = new Conv2D(pointwiseFilters, 1, padding: "same", useBias: false, name: $"{prefix}project").Apply(x);
        x = V2BatchNormalization($"{prefix}project_BN").Apply(x);
        return inChannels == pointwiseFilters && stride == 1 ? new Add(name: $"{prefix}add").Apply(inputs, x) : x;
    }

    private static BatchNormalization V2BatchNormalization(string name) => new(momentum: 0.999, epsilon: 1e-3, name: name);

    /// <summary>
    /// Keras's mobilenet_v2._make_divisible: <paramref name="value"/> rounded to the nearest multiple of
    /// <paramref name="divisor"/> (halves up), at least the divisor, and one divisor more if rounding lost over 10 %.
    /// </summary>
    internal static int MakeDivisible(double value, int divisor)
    {
        int rounded = Math.Max(divisor, (int)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }
}
