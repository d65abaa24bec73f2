using Nabla.Layers;

namespace Nabla.Data;

/// <summary>
/// A folder of images as a <see cref="Dataset"/> (<see cref="Images.BatchesFromDirectory"/>): batch i decodes the
/// files i·BatchSize… of the current order into [n, height, width, channels] pixels (0..255; [n, channels, height,
/// width] when read channels-first) with their labels (none without labels). Only the paths stay in memory.
/// </summary>
public sealed class ImageFolderBatches : Dataset
{
    private readonly string[] paths;
    private readonly int[] labels;
    private readonly string? labelMode;
    private readonly (int Height, int Width, int Channels) shape;
    private readonly ImageLayout layout;
    private readonly bool crop;
    private readonly string interpolation;
    private readonly RandomGenerator? reshuffle;
    // The files in their first order; paths and labels hold them in the current pass's order, order[k] being the
    // first-order index of the file at k.
    private readonly string[] firstPaths;
    private readonly int[] firstLabels, order;

    internal ImageFolderBatches(string[] paths, int[] labels, IReadOnlyList<string> classNames, string? labelMode, int batchSize,
        (int Height, int Width, int Channels) shape, ImageLayout layout, bool crop, string interpolation, RandomGenerator? reshuffle, int workers)
        : base(workers, maxQueueSize: ReadAhead)
    {
        (this.paths, this.labels, ClassNames, this.labelMode, BatchSize) = (paths, labels, classNames, labelMode, batchSize);
        (this.shape, this.layout, this.crop, this.interpolation, this.reshuffle) = (shape, layout, crop, interpolation, reshuffle);
        (firstPaths, firstLabels, order) = ((string[])paths.Clone(), (int[])labels.Clone(), Enumerable.Range(0, paths.Length).ToArray());
    }

    /// <summary>Batches decoded ahead at most: a batch of images is megabytes, and two keep the model fed.</summary>
    private const int ReadAhead = 2;

    /// <summary>The class names in label order (Keras's <c>class_names</c>); empty without labels.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Every file, in the order of this epoch's batches (Keras's <c>file_paths</c>).</summary>
    public IReadOnlyList<string> FilePaths => paths;

    /// <summary>The images per batch (the last batch may hold fewer).</summary>
    public int BatchSize { get; }

    /// <summary>The number of images.</summary>
    public int Count => paths.Length;

    public override int? BatchCount => Batches;

    private int Batches => (paths.Length + BatchSize - 1) / BatchSize;

    public override DataBatch GetBatch(int index)
    {
        if ((uint)index >= (uint)Batches)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The folder's dataset has {Batches} batches.");
        int first = index * BatchSize, count = Math.Min(BatchSize, paths.Length - first);
        var images = Images.NewBatch(count, shape, layout);
        Images.DecodeInto(images, layout, paths, first, count, crop, interpolation);
        if (labelMode is null) return new DataBatch(images);
        return new DataBatch(images, DirectoryDataset.Labels(labels[first..(first + count)], labelMode, ClassNames.Count));
    }

    /// <summary>Shuffles the files again (with shuffle on), files and labels together, for the next pass's batches:
    /// after every epoch, or, with stepsPerEpoch, once a pass is read (a pass must not change files halfway).</summary>
    internal override void OnPassEnd()
    {
        if (reshuffle is null) return;
        var moves = Enumerable.Range(0, paths.Length).ToArray();
        reshuffle.Shuffle(moves);
        var before = (int[])order.Clone();
        for (int k = 0; k < moves.Length; k++) order[k] = before[moves[k]];
        ApplyOrder();
    }

    private void ApplyOrder()
    {
        for (int k = 0; k < order.Length; k++) (paths[k], labels[k]) = (firstPaths[order[k]], firstLabels[order[k]]);
    }

    /// <summary>The file order and the reshuffling generator's state: "generator|i,j,k…".</summary>
    internal override string? SaveState() => reshuffle is null ? null : $"{reshuffle.SaveState()}|{PermutationText.Write(order)}";

    internal override Action PrepareRestore(string state, string source)
    {
        const string field = "__metadata__.dataset";
        var parts = state.Split('|');
        var generator = reshuffle?.Clone();
        if (parts.Length != 2 || generator is null || !generator.TryRestoreState(parts[0]))
            throw DataFormatException.AtField(source, field, "an image folder's reshuffling state (generator|file order)", $"\"{Describe(state)}\"");
        var restored = PermutationText.Parse(parts[1], order.Length, source, field, $"this folder's {order.Length} files (was the folder changed?)");
        return () =>
        {
            reshuffle!.CopyStateFrom(generator);
            restored.CopyTo(order, 0);
            ApplyOrder();
        };
    }

    private static string Describe(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
