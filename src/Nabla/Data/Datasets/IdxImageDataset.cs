using Nabla.Data;

namespace Nabla.Datasets;

/// <summary>
/// A data set published as the four MNIST-layout IDX files (train/t10k images and labels, gzip).
/// MNIST and Fashion-MNIST differ only in their mirrors and checksums.
/// </summary>
internal sealed class IdxImageDataset
{
    public static readonly string[] FileNames =
    [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ];

    public required string Name { get; init; }

    public required string FolderName { get; init; }

    public required Uri[] Mirrors { get; init; }

    /// <summary>MD5 of each of <see cref="FileNames"/>, in the same order.</summary>
    public required string[] Md5 { get; init; }

    public ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load(DatasetOptions options)
    {
        var files = FileNames.Select((name, i) => new DatasetDownloader.RemoteFile(name, Md5[i])).ToArray();
        string[] paths = DatasetDownloader.EnsureFiles(Name, FolderName, files, Mirrors, options);
        return (Pair(Idx.Load(paths[0]), Idx.Load(paths[1]), paths[0], paths[1]),
                Pair(Idx.Load(paths[2]), Idx.Load(paths[3]), paths[2], paths[3]));
    }

    /// <summary>Checks that images [n, rows, cols] and labels [n] belong together.</summary>
    public static (Tensor X, Tensor Y) Pair(Tensor images, Tensor labels, string imagesName, string labelsName)
    {
        if (images.Rank != 3)
            throw DataFormatException.InFile(imagesName, "images of shape [n, rows, cols]", $"shape {Tensor.ShapeString(images.Shape)}");
        if (labels.Rank != 1 || labels.Shape[0] != images.Shape[0])
            throw DataFormatException.InFile(labelsName, $"labels of shape [{images.Shape[0]}] to match {imagesName}",
                $"shape {Tensor.ShapeString(labels.Shape)}");
        return (images, labels);
    }
}
