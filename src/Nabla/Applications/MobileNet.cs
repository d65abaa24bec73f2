using System.Globalization;
using Nabla.Layers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla;

public static partial class Applications
{
    private const string MobileNetWeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/";

    /// <summary>
    /// Keras's <c>keras.applications.MobileNet</c> (keras/src/applications/mobilenet.py), MobileNet v1: a 3x3 stride-2
    /// convolution "conv1" then 13 depthwise-separable blocks (a 3x3 depthwise convolution "conv_dw_N" and a 1x1
    /// pointwise one "conv_pw_N", each without bias, followed by BatchNormalization and ReLU capped at 6), strided
    /// blocks 2, 4, 6 and 12 padded first by one zero row and column at the bottom and right ("conv_pad_N"). The
    /// classifier is global average pooling kept 4-D, Dropout "dropout", a 1x1 convolution "conv_preds", Reshape
    /// "reshape_2" and Activation "predictions". The BatchNormalization layers keep Keras's defaults (momentum 0.99).
    /// 224x224 by default, at least 32x32; its inputs are <see cref="PreprocessInput"/>'s "tf" mode (−1 to 1).
    /// </summary>
    /// <param name="alpha">The width multiplier: every layer has int(filters·alpha) filters. With weights "imagenet"
    /// it must be 0.25, 0.5, 0.75 or 1.0.</param>
    /// <param name="depthMultiplier">Outputs of each depthwise convolution per input channel; 1 with "imagenet".</param>
    /// <param name="dropout">The rate of the Dropout before the classifier.</param>
    /// <param name="name">The model's name; null gives Keras's "mobilenet_{alpha:0.00}_{rows}" ("mobilenet_1.00_224").</param>
    /// <remarks>
    /// With weights "imagenet" the weights of one of the sizes 128, 160, 192 and 224 are read, the input's if it is
    /// square and one of them, else 224's. Keras then only warns, and so does Nabla (on standard error): the
    /// convolutions' weights fit any size. Keras chooses the default size from <c>input_shape</c> alone; Nabla, as
    /// Keras's MobileNetV2 does, also from <paramref name="inputTensor"/>'s shape when no <paramref name="inputShape"/> is given.
    /// </remarks>
    public static Model MobileNet(int[]? inputShape = null, double alpha = 1.0, int depthMultiplier = 1, double dropout = 1e-3,
        bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, string? pooling = null, int classes = 1000,
        string? classifierActivation = "softmax", string? name = null)
    {
        const string model = nameof(MobileNet);
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        CheckWidth(model, alpha);
        if (depthMultiplier < 1)
            throw new ArgumentOutOfRangeException(nameof(depthMultiplier), depthMultiplier, $"{model}: 'depthMultiplier' must be at least 1.");
        int[] sizes = [128, 160, 192, 224];
        var input = ImageInput(model, inputTensor, inputShape, DefaultSize(inputShape ?? inputTensor?.Shape, sizes), minSize: 32, includeTop, weights);
        int rows = input.Shape[0];
        if (weights == ImageNet)
        {
            if (depthMultiplier != 1)
                throw new ArgumentException(
                    $"{model}: with weights \"{ImageNet}\" 'depthMultiplier' must be 1; found {depthMultiplier}.", nameof(depthMultiplier));
            if (alpha is not (0.25 or 0.5 or 0.75 or 1.0))
                throw new ArgumentException(
                    $"{model}: with weights \"{ImageNet}\" 'alpha' must be 0.25, 0.5, 0.75 or 1.0; found {Number(alpha)}.", nameof(alpha));
            rows = ImageNetRows(model, input.Shape, sizes);
        }

        SymbolicTensor x = new Conv2D((int)(32 * alpha), 3, strides: 2, padding: "same", useBias: false, name: "conv1").Apply(input);
        x = new BatchNormalization(name: "conv1_bn").Apply(x);
        x = new ReLU(6.0, name: "conv1_relu").Apply(x);
        (int Filters, int Strides)[] blocks =
            [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1), (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1)];
        for (int id = 1; id <= blocks.Length; id++)
            x = DepthwiseSeparableBlock(x, (int)(blocks[id - 1].Filters * alpha), depthMultiplier, blocks[id - 1].Strides, id);

        if (includeTop)
        {
            x = new GlobalAveragePooling2D(keepdims: true).Apply(x);
            x = new Dropout(dropout, name: "dropout").Apply(x);
            x = new Conv2D(classes, 1, padding: "same", name: "conv_preds").Apply(x);
            x = new Reshape([classes], name: "reshape_2").Apply(x);
            x = new Activation(ActivationFunction.Get(classifierActivation), name: "predictions").Apply(x);
        }
        else x = Pool(model, x, pooling);

        var built = new Model(input, x, name ?? $"mobilenet_{alpha.ToString("F2", CultureInfo.InvariantCulture)}_{RowsText(rows)}");
        string alphaText = alpha switch { 1.0 => "1_0", 0.75 => "7_5", 0.5 => "5_0", _ => "2_5" };
        string weightsFile = $"mobilenet_{alphaText}_{rows}_tf{(includeTop ? "" : "_no_top")}.h5";
        // mobilenet.py passes get_file no file_hash for these files, so Keras checks nothing and neither does Nabla.
        return LoadWeights(built, weights, weightsFile, MobileNetWeightsUrl + weightsFile, imageNetHash: null);
    }

    /// <summary>Keras's mobilenet._depthwise_conv_block: (padding,) depthwise 3x3, BN, ReLU6, pointwise 1x1, BN, ReLU6.</summary>
    private static SymbolicTensor DepthwiseSeparableBlock(SymbolicTensor x, int pointwiseFilters, int depthMultiplier, int strides, int id)
    {
        if (strides != 1) x = new ZeroPadding2D(((0, 1), (0, 1)), name: $"conv_pad_{id}").Apply(x);
        x = new DepthwiseConv2D(3, strides: strides, padding: strides == 1 ? "same" : "valid", depthMultiplier: depthMultiplier,
            useBias: false, name: $"conv_dw_{id}").Apply(x);
        x = new BatchNormalization(name: $"conv_dw_{id}_bn").Apply(x);
        x = new ReLU(6.0, name: $"conv_dw_{id}_relu").Apply(x);
        x = new Conv2D(pointwiseFilters, 1, padding: "same", useBias: false, name: $"conv_pw_{id}").Apply(x);
        x = new BatchNormalization(name: $"conv_pw_{id}_bn").Apply(x);
        return new ReLU(6.0, name: $"conv_pw_{id}_relu").Apply(x);
    }

    /// <summary>Keras's choice of default size in the MobileNets: the given rows when the input is square and one of
    /// the sizes weights were published for, else 224.</summary>
    private static int DefaultSize(int[]? shape, int[] sizes) =>
        shape is { Length: >= 2 } && shape[0] == shape[1] && sizes.Contains(shape[0]) ? shape[0] : 224;

    /// <summary>The size whose ImageNet weights are read: the input's when square and published, else 224 (Keras warns).</summary>
    private static int ImageNetRows(string model, int[] shape, int[] sizes)
    {
        if (shape[0] == shape[1] && sizes.Contains(shape[0])) return shape[0];
        Console.Error.WriteLine(
            $"Nabla: {model}: the input {Layer.Describe(shape)} is not a square of size {string.Join(", ", sizes)}; " +
            "the ImageNet weights for 224x224 are loaded.");
        return 224;
    }

    /// <summary>A width multiplier must be a positive finite number.</summary>
    private static void CheckWidth(string model, double alpha)
    {
        if (!(alpha > 0) || double.IsInfinity(alpha))
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, $"{model}: 'alpha' must be a positive number.");
    }

    /// <summary>Python's print of a size in a model's name: "None" when unknown.</summary>
    private static string RowsText(int rows) => rows == Layer.UnknownDimension ? "None" : rows.ToString(CultureInfo.InvariantCulture);

    /// <summary>Python's repr of a float (<c>float(alpha)</c> in a file name): "1.0", "0.35", "1.4".</summary>
    private static string Number(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }
}
