using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    private const string VggWeightsUrl = "https://storage.googleapis.com/tensorflow/keras-applications/";

    /// <summary>The md5 hashes Keras's get_file checks the VGG ImageNet files against (file_hash in
    /// keras/src/applications/vgg16.py and vgg19.py), by Keras's file name.</summary>
    internal static readonly IReadOnlyDictionary<string, string> VggImageNetHashes = new Dictionary<string, string>
    {
        ["vgg16_weights_tf_dim_ordering_tf_kernels.h5"] = "64373286793e3c8b2b4e3219cbf3544b",
        ["vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "6d6bbae143d832006294945121d1f1fc",
        ["vgg19_weights_tf_dim_ordering_tf_kernels.h5"] = "cbe5617147190e668d6c5d5026f83318",
        ["vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"] = "253f8cb515780f3b799900260a226db6",
    };

    /// <summary>
    /// Keras's <c>keras.applications.VGG16</c> (keras/src/applications/vgg16.py): five blocks of 3x3 "same" ReLU
    /// convolutions (64, 128, 256, 512, 512 filters; 2, 2, 3, 3, 3 of them) each closed by 2x2 max pooling, then
    /// Flatten, fc1 and fc2 (4096 ReLU units) and the classifier "predictions". 224x224 by default, at least 32x32.
    /// Its inputs are <see cref="PreprocessInput"/>'s "caffe" mode.
    /// </summary>
    public static Model VGG16(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "vgg16") =>
        Vgg(nameof(VGG16), [2, 2, 3, 3, 3], includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name, "vgg16");

    /// <summary>Keras's <c>keras.applications.VGG19</c> (vgg19.py): VGG16 with 2, 2, 4, 4, 4 convolutions per block.</summary>
    public static Model VGG19(bool includeTop = true, string? weights = ImageNet, Input? inputTensor = null, int[]? inputShape = null,
        string? pooling = null, int classes = 1000, string? classifierActivation = "softmax", string name = "vgg19") =>
        Vgg(nameof(VGG19), [2, 2, 4, 4, 4], includeTop, weights, inputTensor, inputShape, pooling, classes, classifierActivation, name, "vgg19");

    private static Model Vgg(string model, int[] convolutionsPerBlock, bool includeTop, string? weights, Input? inputTensor, int[]? inputShape,
        string? pooling, int classes, string? classifierActivation, string name, string file)
    {
        CheckArguments(model, weights, includeTop, classes, classifierActivation);
        var input = ImageInput(model, inputTensor, inputShape, defaultSize: 224, minSize: 32, includeTop, weights);
        SymbolicTensor x = input;
        int[] filters = [64, 128, 256, 512, 512];
        for (int block = 1; block <= 5; block++)
        {
            for (int conv = 1; conv <= convolutionsPerBlock[block - 1]; conv++)
                x = new Conv2D(filters[block - 1], 3, padding: "same", activation: "relu", name: $"block{block}_conv{conv}").Apply(x);
            x = new MaxPooling2D(2, strides: 2, name: $"block{block}_pool").Apply(x);
        }
        if (includeTop)
        {
            x = new Flatten(name: "flatten").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc1").Apply(x);
            x = new Dense(4096, activation: "relu", name: "fc2").Apply(x);
            x = new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
        }
        else x = Pool(model, x, pooling);
        string weightsFile = KerasTwoImageNetFile(file, includeTop);
        return LoadWeights(new Model(input, x, name), weights, weightsFile, $"{VggWeightsUrl}{file}/{weightsFile}", VggImageNetHashes[weightsFile]);
    }
}
