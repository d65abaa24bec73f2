namespace Nabla.Datasets;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul, Vollgraf; Zalando Research): 28x28 grey images of clothing in 10
/// classes, in MNIST's format. Raw pixels 0..255, labels 0..9 as floats.
/// </summary>
public static class FashionMnist
{
    private static readonly IdxImageDataset Definition = new()
    {
        Name = "Fashion-MNIST",
        FolderName = "fashion-mnist",
        // The mirror and per-file MD5s torchvision.datasets.FashionMNIST publishes.
        Mirrors = [new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")],
        Md5 =
        [
            "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "25c81989df183df01b3e8a0aad5dffbe",
            "bef4ecab320f06d8554ea6380940ec79",
            "bb300cfdad3c16e7a12a480ee83cd310",
        ],
    };

    /// <summary>
    /// The full data set (60,000 train / 10,000 test), downloaded once into the cache folder and
    /// verified. There is no offline sample: without a connection this throws a
    /// <see cref="DatasetDownloadException"/> saying so.
    /// </summary>
    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(DatasetOptions? options = null)
    {
        try
        {
            return Definition.Load(options ?? DatasetOptions.Default);
        }
        catch (DatasetDownloadException e) when (e.IsOffline)
        {
            throw new DatasetDownloadException(
                $"Fashion-MNIST is not cached and could not be downloaded: no connection ({e.Message}). " +
                "Nabla ships no offline copy of it; connect once, or use Mnist.LoadSample() offline.", isOffline: true, e);
        }
    }
}
