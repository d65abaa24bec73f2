using Nabla.Data;
using Nabla.Layers;

namespace Nabla.Tests.Data;

/// <summary><see cref="Texts.DatasetFromDirectory"/>: Keras's text_dataset_from_directory (keras/src/utils/
/// text_dataset_utils.py) over a folder like aclImdb's train/ (neg/, pos/ and an unsup/ one left out by classNames).</summary>
public class TextsTests
{
    private static TempFolder Reviews()
    {
        var folder = new TempFolder();
        void Write(string relative, string text)
        {
            string path = Path.Combine(folder.Path, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
        Write("neg/1_2.txt", "A dull film.");
        Write("neg/0_1.txt", "Awful, truly awful.");
        Write("pos/3_9.txt", "A wonderful film, héroïque!");
        Write("pos/2_10.TXT", "Loved it.");
        Write("pos/notes.md", "not a review");
        Write("unsup/5_0.txt", "No label here.");
        return folder;
    }

    [Fact]
    public void Each_txt_file_is_one_sample_labelled_by_its_class_folder_in_kerass_order()
    {
        using var folder = Reviews();
        var data = Texts.DatasetFromDirectory(folder.Path, classNames: ["neg", "pos"], shuffle: false, verbose: false);
        Assert.Equal(["neg", "pos"], data.ClassNames);
        Assert.Equal(["Awful, truly awful.", "A dull film.", "Loved it.", "A wonderful film, héroïque!"], data.Texts);
        Assert.Equal([0f, 0f, 1f, 1f], data.Labels!.Data.AsSpan(0, 4).ToArray());
        Assert.EndsWith(Path.Combine("pos", "2_10.TXT"), data.FilePaths[2]);
        var all = Texts.DatasetFromDirectory(folder.Path, shuffle: false, verbose: false);
        Assert.Equal(["neg", "pos", "unsup"], all.ClassNames);
        var cut = Texts.DatasetFromDirectory(folder.Path, labels: null, maxLength: 5, shuffle: false, verbose: false);
        Assert.Null(cut.Labels);
        Assert.Equal("Awful", cut.Texts[0]);
        // Keras cuts bytes: "A wonderful film, h" is 19 bytes and "é" two more. A cut through the "é" leaves it out
        // (TensorFlow keeps its first byte, which is not UTF-8); "Awful, truly awful." is 19 bytes, kept whole.
        string Cut(int bytes) => Texts.DatasetFromDirectory(folder.Path, classNames: ["neg", "pos"], maxLength: bytes, shuffle: false, verbose: false).Texts[3];
        Assert.Equal("A wonderful film, h", Cut(20));
        Assert.Equal("A wonderful film, hé", Cut(21));
        Assert.Equal("Awful, truly awful.", Texts.DatasetFromDirectory(folder.Path, classNames: ["neg"], maxLength: 19, shuffle: false, verbose: false).Texts[0]);
    }

    [Fact]
    public void A_seeded_split_feeds_text_vectorization_and_a_model()
    {
        using var folder = Reviews();
        var training = Texts.DatasetFromDirectory(folder.Path, labelMode: "binary", classNames: ["neg", "pos"], seed: 1337,
            validationSplit: 0.25, subset: "training", verbose: false);
        var validation = Texts.DatasetFromDirectory(folder.Path, labelMode: "binary", classNames: ["neg", "pos"], seed: 1337,
            validationSplit: 0.25, subset: "validation", verbose: false);
        Assert.Equal(3, training.Texts.Count);
        Assert.Single(validation.Texts);
        Assert.Empty(training.FilePaths.Intersect(validation.FilePaths));
        Assert.Equal([3, 1], training.Labels!.Shape);
        var vectorize = new TextVectorization(maxTokens: 50, outputSequenceLength: 6);
        vectorize.Adapt(training.Texts);
        Assert.Equal([3, 6], vectorize.Call(training.Texts).Shape);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused_naming_it_and_the_byte()
    {
        using var folder = Reviews();
        File.WriteAllBytes(Path.Combine(folder.Path, "neg", "latin1.txt"), [0x63, 0x61, 0x66, 0xE9, 0x21]); // "café!" in Latin-1
        var e = Assert.Throws<DataFormatException>(() => Texts.DatasetFromDirectory(folder.Path, verbose: false));
        Assert.Contains("latin1.txt", e.Message);
        Assert.Equal(3, e.Offset);
        Assert.Throws<ArgumentOutOfRangeException>(() => Texts.DatasetFromDirectory(folder.Path, maxLength: 0, verbose: false));
    }
}
