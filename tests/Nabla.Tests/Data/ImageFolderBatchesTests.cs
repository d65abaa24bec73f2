using Nabla.Data;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Data;

/// <summary><see cref="Images.BatchesFromDirectory"/>: Keras's batched <c>image_dataset_from_directory</c>, decoding each
/// batch when it is read. Its files, labels and pixels are those of <see cref="Images.DatasetFromDirectory"/>.</summary>
public class ImageFolderBatchesTests
{
    private static float[] Rows(Tensor t, int first, int count)
    {
        int row = t.Size / t.Shape[0];
        return t.Data.AsSpan(first * row, count * row).ToArray();
    }

    [Theory]
    [InlineData("int")]
    [InlineData("categorical")]
    public void Its_batches_are_the_in_memory_datasets_rows_in_the_same_order(string labelMode)
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.Path, perClass: 7, size: 6, seed: 2);
        var whole = Images.DatasetFromDirectory(folder.Path, labelMode: labelMode, imageSize: (5, 4), seed: 9, validationSplit: 0.3,
            subset: "training", verbose: false);
        var batches = Images.BatchesFromDirectory(folder.Path, labelMode: labelMode, batchSize: 4, imageSize: (5, 4), seed: 9,
            validationSplit: 0.3, subset: "training", verbose: false);

        Assert.Equal(whole.FilePaths, batches.FilePaths);
        Assert.Equal(whole.ClassNames, batches.ClassNames);
        Assert.Equal(10, batches.Count);
        Assert.Equal(3, batches.BatchCount);
        for (int b = 0; b < batches.BatchCount; b++)
        {
            var batch = batches.GetBatch(b);
            int first = b * 4, count = Math.Min(4, 10 - first);
            Assert.Equal([count, 5, 4, 3], batch.Inputs[0].Shape);
            Assert.Equal(Rows(whole.Images, first, count), Rows(batch.Inputs[0], 0, count));
            Assert.Equal(Rows(whole.Labels!, first, count), Rows(batch.Targets![0]!, 0, count));
        }
    }

    [Fact]
    public void With_shuffle_on_each_pass_end_reorders_files_and_labels_together()
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.Path, perClass: 6, size: 4, seed: 3);
        var batches = Images.BatchesFromDirectory(folder.Path, batchSize: 12, imageSize: (4, 4), seed: 1, verbose: false);
        string[] LabelledFiles()
        {
            var labels = batches.GetBatch(0).Targets![0]!;
            return batches.FilePaths.Select((p, i) => $"{Path.GetFileName(Path.GetDirectoryName(p))}/{labels.Data[i]}").ToArray();
        }
        var before = batches.FilePaths.ToArray();
        // An epoch that ends in the middle of a pass (stepsPerEpoch) leaves the files where they are.
        batches.OnEpochEnd();
        Assert.Equal(before, batches.FilePaths);
        batches.OnPassEnd();
        Assert.NotEqual(before, batches.FilePaths);
        Assert.Equal(before.Order(), batches.FilePaths.Order());
        // Class index 0 is "bright", 1 "dark" (ordinal order): each file keeps its own class's label.
        Assert.All(LabelledFiles(), f => Assert.True(f is "bright/0" or "dark/1", f));

        var fixedOrder = Images.BatchesFromDirectory(folder.Path, imageSize: (4, 4), shuffle: false, verbose: false);
        var unshuffled = fixedOrder.FilePaths.ToArray();
        fixedOrder.OnPassEnd();
        Assert.Equal(unshuffled, fixedOrder.FilePaths);
    }

    [Fact]
    public void Without_labels_batches_hold_images_only_and_Predict_reads_them()
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.Path, perClass: 3, size: 4, seed: 4);
        var batches = Images.BatchesFromDirectory(folder.Path, labels: null, batchSize: 4, imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Null(batches.GetBatch(0).Targets);
        Assert.Empty(batches.ClassNames);
        Utils.SetRandomSeed(2);
        var model = new Sequential(new Flatten(inputShape: [4, 4, 3]), new Dense(1));
        var predicted = model.Predict(batches);
        var whole = Images.DatasetFromDirectory(folder.Path, labels: null, imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Equal(model.Predict(whole.Images).Data, predicted.Data);
    }

    [Fact]
    public void Sizes_are_checked_before_any_file_is_decoded()
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.Path, perClass: 2, size: 4, seed: 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => Images.BatchesFromDirectory(folder.Path, batchSize: 0, verbose: false));
        var huge = Assert.Throws<ArgumentException>(() =>
            Images.BatchesFromDirectory(folder.Path, batchSize: 4, imageSize: (20_000, 20_000), verbose: false));
        Assert.Contains("more than one tensor holds", huge.Message);
        Assert.Contains("bilinear", Assert.Throws<ArgumentException>(() =>
            Images.BatchesFromDirectory(folder.Path, interpolation: "area", verbose: false)).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_small_cnn_learns_bright_from_dark_from_batches_decoded_as_it_trains(int workers)
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.Path, perClass: 12, size: 8, seed: 5);
        var training = Images.BatchesFromDirectory(folder.Path, labelMode: "binary", batchSize: 6, imageSize: (8, 8), seed: 3,
            validationSplit: 0.25, subset: "training", verbose: false, workers: workers);
        var validation = Images.BatchesFromDirectory(folder.Path, labelMode: "binary", batchSize: 6, imageSize: (8, 8), seed: 3,
            validationSplit: 0.25, subset: "validation", verbose: false);
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Rescaling(1.0 / 255), new Conv2D(8, 3, activation: "relu"), new GlobalAveragePooling2D(), new Dense(1, activation: "sigmoid"));
        model.Build([8, 8, 3]);
        model.Compile(new Nabla.Optimizers.Adam(0.01), "binary_crossentropy", metrics: ["accuracy"]);
        var history = model.Fit(training, epochs: 30, validationData: validation, verbose: 0);
        Assert.Equal(1.0, history["val_accuracy"][^1], 3);
        Assert.Equal(1.0, model.Evaluate(validation)["accuracy"], 3);
    }

    /// <summary>A run killed mid-training and resumed from its backup reshuffles the files as the uninterrupted run
    /// does: the backup holds the folder's file order and reshuffling generator, beside the batch order and position.</summary>
    [Fact]
    public void A_resumed_run_reshuffles_the_files_as_the_uninterrupted_one_and_ends_with_the_same_weights()
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.File("images"), perClass: 10, size: 4, seed: 6);
        ImageFolderBatches Batches() => Images.BatchesFromDirectory(folder.File("images"), batchSize: 6, imageSize: (4, 4), seed: 3, verbose: false);
        Sequential Model()
        {
            Utils.SetRandomSeed(8);
            var model = new Sequential(new Rescaling(1.0 / 255, inputShape: [4, 4, 3]), new Flatten(), new Dense(1, activation: "sigmoid"));
            model.Compile("adam", "binary_crossentropy");
            return model;
        }
        var reference = Model();
        reference.Fit(Batches(), epochs: 5, stepsPerEpoch: 3, verbose: 0);

        string backup = folder.File("backup");
        var first = Model();
        var stop = new Nabla.Callbacks.LambdaCallback(onEpochEnd: (epoch, _) => first.StopTraining = epoch == 2);
        first.Fit(Batches(), epochs: 5, stepsPerEpoch: 3, verbose: 0, callbacks: [new Nabla.Callbacks.BackupAndRestore(backup, deleteCheckpoint: false), stop]);
        var resumed = Model();
        var data = Batches();
        resumed.Fit(data, epochs: 5, stepsPerEpoch: 3, verbose: 0, callbacks: [new Nabla.Callbacks.BackupAndRestore(backup)]);
        for (int w = 0; w < reference.GetWeights().Count; w++) Assert.Equal(reference.GetWeights()[w].Data, resumed.GetWeights()[w].Data);

        // A backup of another folder's files (22 here, in as many batches as 20) is refused before anything changes.
        TestImages.WriteBrightAndDark(folder.File("more"), perClass: 11, size: 4, seed: 6);
        var other = Model();
        other.Fit(Batches(), epochs: 3, stepsPerEpoch: 3, verbose: 0,
            callbacks: [new Nabla.Callbacks.BackupAndRestore(folder.File("b2"), deleteCheckpoint: false),
                new Nabla.Callbacks.LambdaCallback(onEpochEnd: (epoch, _) => other.StopTraining = epoch == 0)]);
        var more = Images.BatchesFromDirectory(folder.File("more"), batchSize: 6, imageSize: (4, 4), seed: 3, verbose: false);
        var error = Assert.Throws<DataFormatException>(() =>
            Model().Fit(more, epochs: 3, stepsPerEpoch: 3, verbose: 0, callbacks: [new Nabla.Callbacks.BackupAndRestore(folder.File("b2"))]));
        Assert.Contains("__metadata__.dataset", error.Message);
        Assert.Contains("a permutation of this folder's 22 files", error.Message);
    }
}
