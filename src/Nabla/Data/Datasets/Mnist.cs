namespace Nabla.Datasets;

/// <summary>
/// The MNIST handwritten digits (LeCun, Cortes, Burges): 28x28 grey images with raw pixel values
/// 0..255 (not normalized) and labels 0..9 stored as floats.
/// </summary>
public static class Mnist
{
    private static readonly IdxImageDataset Definition = new()
    {
        Name = "MNIST",
        FolderName = "mnist",
        // The mirrors and per-file MD5s torchvision.datasets.MNIST publishes.
        Mirrors = [new Uri("https://ossci-datasets.s3.amazonaws.com/mnist/"), new Uri("http://yann.lecun.com/exdb/mnist/")],
        Md5 =
        [
            "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "d53e105ee54ea40749a09fcbcd1e9432",
            "9fb629c4189551a2d022fa330f9573f3",
            "ec29112dd5afa0611ce80d1b7f02629c",
        ],
    };

    /// <summary>
    /// The full data set (60,000 train / 10,000 test), downloaded once into the cache folder and
    /// verified. When no mirror can be reached (no connection, or a proxy answering 407, 502 or 504) it prints
    /// a one-line notice and returns
    /// <see cref="LoadSample"/> instead (unless <see cref="DatasetOptions.FallbackToSample"/> is off).
    /// </summary>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(DatasetOptions? options = null)
    {
        options ??= DatasetOptions.Default;
        try
        {
            return Definition.Load(options);
        }
        catch (DatasetDownloadException e) when (e.IsOffline && options.FallbackToSample)
        {
            options.ResolveNotices().WriteLine(
                $"Nabla: MNIST could not be downloaded (offline: {e.InnerException?.Message ?? e.Message}); " +
                $"using the embedded sample of {MnistSample.TrainCount} train / {MnistSample.TestCount} test digits instead.");
            return LoadSample();
        }
    }

    /// <summary>
    /// 10,000 real MNIST digits shipped inside Nabla: 8,000 train [8000, 28, 28] and 2,000 test
    /// [2000, 28, 28], pixels 0..255, labels [n]. Needs no network; the same every time.
    /// </summary>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) LoadSample() => MnistSample.Load();
}
