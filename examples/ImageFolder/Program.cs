// Keras's "image classification from scratch" workflow, on a folder of image files:
// check the folder, read it in batches with a seeded training/validation split, train a small CNN, classify one file.
//
//   dotnet run --project examples/ImageFolder
//
// So that it runs offline in seconds, it first writes 800 of the MNIST digits embedded in Nabla as PNG files, one
// subfolder per digit, the layout image_dataset_from_directory reads (point it at your own folder instead).
using Nabla;
using Nabla.Data;
using Nabla.Datasets;
using Nabla.Layers;

string folder = Path.Combine(Path.GetTempPath(), $"nabla-digits-{Environment.ProcessId}");
try
{
    WriteDigits(folder, perClass: 80);

    // nabla data info FOLDER prints the same: classes, sizes, and any file that would stop training.
    var summary = ImageFolderSummary.Compute(folder);
    Console.WriteLine($"{summary.Files} files in {summary.Classes.Count} classes, {summary.Sizes.Count} size(s), {summary.Unreadable.Count} unreadable");

    // keras.utils.image_dataset_from_directory(..., batch_size=32, validation_split=0.2, subset=..., seed=1337):
    // batches decoded as training reads them (Images.DatasetFromDirectory reads the whole subset into memory instead).
    var train = Images.BatchesFromDirectory(folder, colorMode: "grayscale", batchSize: 32, imageSize: (28, 28), seed: 1337,
        validationSplit: 0.2, subset: "training");
    var validation = Images.BatchesFromDirectory(folder, colorMode: "grayscale", batchSize: 32, imageSize: (28, 28), seed: 1337,
        validationSplit: 0.2, subset: "validation");

    Utils.SetRandomSeed(0);
    var model = new Sequential(
        new Rescaling(1.0 / 255, inputShape: [28, 28, 1]),
        new Conv2D(16, 3, activation: "relu"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(10, activation: "softmax"));
    model.Compile("adam", "sparse_categorical_crossentropy", ["accuracy"]);
    model.Fit(train, epochs: 10, validationData: validation, verbose: 2);
    double accuracy = model.Evaluate(validation)["accuracy"];
    Console.WriteLine($"Validation accuracy {accuracy:P1} on {validation.Count} files");

    // keras.utils.load_img + img_to_array, then a batch of one
    string file = validation.FilePaths[0];
    var image = Images.LoadImg(file, colorMode: "grayscale");
    var probabilities = model.Predict(Tensor.Reshape(image, 1, 28, 28, 1));
    int predicted = Enumerable.Range(0, 10).MaxBy(k => probabilities.Data[k]);
    Console.WriteLine($"{Path.GetRelativePath(folder, file)}: predicted class '{train.ClassNames[predicted]}' ({probabilities.Data[predicted]:P0})");
    return accuracy > 0.8 ? 0 : 1;
}
finally
{
    if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
}

static void WriteDigits(string folder, int perClass)
{
    var ((images, labels), _) = Mnist.LoadSample();
    var written = new int[10];
    for (int i = 0; i < labels.Size && written.Any(n => n < perClass); i++)
    {
        int digit = (int)labels.Data[i];
        if (written[digit] == perClass) continue;
        var image = Tensor.FromArray(images.Data.AsSpan(i * 28 * 28, 28 * 28).ToArray(), [28, 28, 1]);
        Images.SaveImg(Path.Combine(folder, digit.ToString(), $"{i:D5}.png"), image, scale: false);   // keras.utils.save_img
        written[digit]++;
    }
}
