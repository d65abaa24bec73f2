using System.Text;

namespace Nabla.Data;

/// <summary>Keras's <c>keras.utils.text_dataset_from_directory</c> (keras/src/utils/text_dataset_utils.py), whose texts
/// go to a <see cref="Layers.TextVectorization"/>.</summary>
public static class Texts
{
    /// <summary>The extension <see cref="DatasetFromDirectory"/> takes, in any case (Keras's formats=(".txt",)).</summary>
    public static IReadOnlyList<string> Formats { get; } = [".txt"];

    /// <summary>The largest text file read, whole, as one sample.</summary>
    public const long MaxFileBytes = 256L << 20;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads a folder of .txt files, one sample per file, decoded as UTF-8: with <paramref name="labels"/> "inferred",
    /// one subfolder per class (as <see cref="Images.DatasetFromDirectory"/>: Keras's order, hidden folders left out,
    /// <paramref name="classNames"/> to choose and order them), with null no labels. <paramref name="labelMode"/>,
    /// <paramref name="shuffle"/> (NumPy's shuffle of Keras), <paramref name="seed"/>, <paramref name="validationSplit"/>
    /// and <paramref name="subset"/> work as there. <paramref name="maxLength"/> keeps each text's first bytes, as
    /// Keras (<c>tf.strings.substr</c> counts bytes), less a character the cut would split (TensorFlow keeps its first
    /// bytes, which are not UTF-8). A file that is not UTF-8 is refused naming it, rather than read with
    /// replacement characters. Keras's subset "both" is two calls.
    /// </summary>
    public static LabeledTexts DatasetFromDirectory(string directory, string? labels = "inferred", string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, int? maxLength = null, bool shuffle = true, int? seed = null,
        double? validationSplit = null, string? subset = null, bool followLinks = false, bool verbose = true)
    {
        const string caller = "Texts.DatasetFromDirectory";
        if (maxLength is < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "maxLength must be at least 1.");
        var (paths, classes, classNamesFound, labelled) = DirectoryDataset.Select(caller, directory, Formats, labels, labelMode, classNames,
            shuffle, seed, validationSplit, subset, followLinks, verbose);
        var texts = new string[paths.Length];
        for (int i = 0; i < paths.Length; i++)
        {
            long length = new FileInfo(paths[i]).Length;
            if (length > MaxFileBytes)
                throw DataFormatException.InFile(paths[i], $"a text of at most {MaxFileBytes:N0} bytes", $"{length:N0} bytes");
            // The bytes as they are, a byte order mark included, as TensorFlow reads them.
            byte[] bytes = File.ReadAllBytes(paths[i]);
            try
            {
                texts[i] = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw DataFormatException.AtOffset(paths[i], e.Index, "UTF-8 text", $"the byte(s) {Convert.ToHexString(e.BytesUnknown ?? [])}, not UTF-8");
            }
            if (maxLength is { } max && bytes.Length > max) texts[i] = StrictUtf8.GetString(bytes, 0, CharacterBoundary(bytes, max));
        }
        return new LabeledTexts(texts, labelled ? DirectoryDataset.Labels(classes, labelMode!, classNamesFound.Count) : null, classNamesFound, paths);
    }

    /// <summary>The largest cut of at most <paramref name="max"/> bytes that does not split a character: UTF-8's
    /// continuation bytes (10xxxxxx) never start one.</summary>
    private static int CharacterBoundary(byte[] utf8, int max)
    {
        int cut = max;
        while (cut > 0 && (utf8[cut] & 0xC0) == 0x80) cut--;
        return cut;
    }
}

/// <summary>What <see cref="Texts.DatasetFromDirectory"/> read: one text per file, their labels (null without), the class
/// names in label order and each text's file, in sample order.</summary>
public sealed record LabeledTexts(IReadOnlyList<string> Texts, Tensor? Labels, IReadOnlyList<string> ClassNames, IReadOnlyList<string> FilePaths);
