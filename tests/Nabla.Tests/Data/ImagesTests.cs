using StbImageWriteSharp;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Data;

/// <summary>
/// <see cref="Images.LoadImg"/> (Keras's <c>img_to_array(load_img(...))</c>, keras/src/utils/image_utils.py: Pillow's
/// decoding, convert("L") and nearest resize; the other filters are PillowResampleTests') and
/// <see cref="Images.DatasetFromDirectory"/> (Keras's <c>image_dataset_from_directory</c>,
/// keras/src/utils/image_dataset_utils.py and dataset_utils.py: which files, which labels, which split,
/// tf.image.resize). Images are written here with StbImageWriteSharp.
/// </summary>
public class ImagesTests
{
    private static byte[] Pixels(int seed, int count)
    {
        var random = new Random(seed);
        var pixels = new byte[count];
        random.NextBytes(pixels);
        return pixels;
    }

    private static float[] Floats(byte[] pixels) => pixels.Select(p => (float)p).ToArray();

    private static float[] Values(Tensor t) => t.Data.AsSpan(0, t.Size).ToArray();

    [Fact]
    public void A_png_loads_exactly_as_height_width_channels_from_0_to_255()
    {
        using var folder = new TempFolder();
        var rgba = Pixels(1, 5 * 7 * 4);
        string rgbaPath = TestImages.WritePng(folder.File("a.png"), rgba, width: 7, height: 5, ColorComponents.RedGreenBlueAlpha);
        var loaded = Images.LoadImg(rgbaPath, colorMode: "rgba");
        Assert.Equal([5, 7, 4], loaded.Shape);
        Assert.Equal(Floats(rgba), Values(loaded));
        // "rgb" drops the alpha channel, as Pillow's convert("RGB") does.
        var rgb = Images.LoadImg(rgbaPath);
        Assert.Equal([5, 7, 3], rgb.Shape);
        Assert.Equal(Floats(rgba.Where((_, i) => i % 4 != 3).ToArray()), Values(rgb));
    }

    [Fact]
    public void Grayscale_is_pillows_luma_and_a_grey_image_stays_as_it_is()
    {
        using var folder = new TempFolder();
        // Pure red, green and blue, and white: Pillow's convert("L") gives 76, 150, 29 and 255.
        string colour = TestImages.WritePng(folder.File("rgb.png"), [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255], width: 4, height: 1);
        var grey = Images.LoadImg(colour, colorMode: "grayscale");
        Assert.Equal([1, 4, 1], grey.Shape);
        Assert.Equal([76f, 150f, 29f, 255f], Values(grey));
        var levels = Pixels(2, 3 * 3);
        string greyPath = TestImages.WritePng(folder.File("grey.png"), levels, width: 3, height: 3, ColorComponents.Grey);
        Assert.Equal(Floats(levels), Values(Images.LoadImg(greyPath, colorMode: "grayscale")));
        // "rgb" of a grey image repeats the level in each channel.
        Assert.Equal(Floats(levels.SelectMany(l => new[] { l, l, l }).ToArray()), Values(Images.LoadImg(greyPath)));
    }

    [Fact]
    public void Target_size_resizes_as_pillows_nearest_neighbour_and_keep_aspect_ratio_cuts_the_central_window()
    {
        using var folder = new TempFolder();
        // A grey 8 x 4 image whose level is its index: 0..31.
        var index = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        string path = TestImages.WritePng(folder.File("i.png"), index, width: 8, height: 4, ColorComponents.Grey);
        // Down by 4 across and 2 down: source column floor((x + 0.5)·4) = 2, 6; row floor((y + 0.5)·2) = 1, 3.
        var down = Images.LoadImg(path, colorMode: "grayscale", targetSize: (2, 2));
        Assert.Equal([10f, 14f, 26f, 30f], Values(down));
        // The central 4 x 4 window (columns 2..5), then every other pixel: columns 3 and 5, rows 1 and 3.
        var kept = Images.LoadImg(path, colorMode: "grayscale", targetSize: (2, 2), keepAspectRatio: true);
        Assert.Equal([11f, 13f, 27f, 29f], Values(kept));
        // Up by 2: each pixel twice (floor((x + 0.5)/2) = 0, 0, 1, 1, ...).
        var up = Images.LoadImg(path, colorMode: "grayscale", targetSize: (8, 16));
        Assert.Equal(0f, up.Data[0]);
        Assert.Equal(0f, up.Data[1]);
        Assert.Equal(1f, up.Data[2]);
        Assert.Equal(8f, up.Data[2 * 16]);
    }

    [Fact]
    public void SaveImg_writes_what_LoadImg_reads_and_scales_as_kerass_array_to_img()
    {
        using var folder = new TempFolder();
        var bytes = Pixels(7, 5 * 6 * 3);
        var image = Tensor.FromArray(Floats(bytes), [5, 6, 3]);
        foreach (string name in new[] { "a.png", "a.bmp" })
        {
            Images.SaveImg(folder.File(name), image, scale: false);
            Assert.Equal(Floats(bytes), Values(Images.LoadImg(folder.File(name))));
        }
        // array_to_img(scale=True): x - min, / max, * 255, then astype("uint8"): [-1, 0, 1] -> [0, 127, 255].
        Images.SaveImg(folder.File("s.png"), Tensor.FromArray([-1f, 0f, 1f], [1, 3, 1]));
        Assert.Equal([0f, 127f, 255f], Values(Images.LoadImg(folder.File("s.png"), colorMode: "grayscale")));
        Images.SaveImg(folder.File("flat.png"), Tensor.Full(0.5f, 2, 2, 1));
        Assert.Equal([0f, 0f, 0f, 0f], Values(Images.LoadImg(folder.File("flat.png"), colorMode: "grayscale")));
        // JPEG: within its rounding; an alpha channel is dropped.
        var smooth = Tensor.FromArray(Enumerable.Range(0, 16 * 16 * 4).Select(i => (float)(i % 4 == 3 ? 255 : i % 64 + 40)).ToArray(), [16, 16, 4]);
        Images.SaveImg(folder.File("j.jpg"), smooth, scale: false);
        var back = Images.LoadImg(folder.File("j.jpg"), colorMode: "rgba");
        Assert.Equal([16, 16, 4], back.Shape);
        Assert.All(Values(back).Where((_, i) => i % 4 == 3), alpha => Assert.Equal(255f, alpha));
    }

    [Fact]
    public void SaveImg_refuses_what_it_cannot_write_without_changing_it()
    {
        using var folder = new TempFolder();
        Assert.Contains("[height, width, channels]", Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.png"), new Tensor(4, 4))).Message);
        Assert.Contains("1, 3 or 4 channels", Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.png"), new Tensor(4, 4, 2))).Message);
        Assert.Contains("png, jpeg, bmp", Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.gif"), new Tensor(4, 4, 3))).Message);
        var e = Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.png"), Tensor.Full(300f, 2, 2, 1), scale: false));
        Assert.Contains("300", e.Message);
        Assert.False(File.Exists(folder.File("a.png")));
    }

    [Fact]
    public void A_jpeg_and_a_bmp_load_within_the_decoders_rounding()
    {
        using var folder = new TempFolder();
        // A smooth gradient, which JPEG at quality 100 keeps within a few levels.
        var pixels = new byte[16 * 16 * 3];
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                for (int c = 0; c < 3; c++) pixels[(y * 16 + x) * 3 + c] = (byte)(8 * x + 4 * y + 20 * c);
        string jpeg = folder.File("g.jpg");
        using (var stream = File.Create(jpeg)) new ImageWriter().WriteJpg(pixels, 16, 16, ColorComponents.RedGreenBlue, stream, 100);
        var loaded = Values(Images.LoadImg(jpeg));
        Assert.True(loaded.Zip(pixels, (a, b) => Math.Abs(a - b)).Max() <= 6);
        string bmp = folder.File("g.bmp");
        using (var stream = File.Create(bmp)) new ImageWriter().WriteBmp(pixels, 16, 16, ColorComponents.RedGreenBlue, stream);
        Assert.Equal(Floats(pixels), Values(Images.LoadImg(bmp)));
    }

    [Fact]
    public void Files_that_are_not_images_or_are_cut_short_or_too_large_are_refused_naming_them()
    {
        using var folder = new TempFolder();
        string text = folder.WriteText("notes.png", "not an image");
        var e = Assert.Throws<DataFormatException>(() => Images.LoadImg(text));
        Assert.Contains("notes.png", e.Message);

        byte[] png = File.ReadAllBytes(TestImages.WritePng(folder.File("whole.png"), Pixels(3, 32 * 32 * 3), 32, 32));
        string cut = folder.Write("cut.png", png[..(png.Length / 2)]);
        e = Assert.Throws<DataFormatException>(() => Images.LoadImg(cut));
        Assert.Contains("cut.png", e.Message);

        // The header claims 15,000 x 15,000 pixels: refused before decoding (Pillow's decompression-bomb limit).
        var huge = (byte[])png.Clone();
        byte[] side = [0, 0, 0x3A, 0x98];
        side.CopyTo(huge, 16);
        side.CopyTo(huge, 20);
        e = Assert.Throws<DataFormatException>(() => Images.LoadImg(folder.Write("huge.png", huge)));
        Assert.Contains("huge.png", e.Message);
        Assert.Contains("15000 x 15000", e.Message);
        // A 32 x 32 PNG whose header claims 12,000 x 12,000: more pixels than its bytes can hold, refused before decoding.
        var lying = (byte[])png.Clone();
        byte[] side12000 = [0, 0, 0x2E, 0xE0];
        side12000.CopyTo(lying, 16);
        side12000.CopyTo(lying, 20);
        e = Assert.Throws<DataFormatException>(() => Images.LoadImg(folder.Write("lying.png", lying)));
        Assert.Contains("12000 x 12000, a damaged header", e.Message);
        Assert.Throws<FileNotFoundException>(() => Images.LoadImg(folder.File("missing.png")));
    }

    /// <summary>cats: two 4 x 4 images and one 6 x 8 in a nested folder (its extension in capitals); dogs: two;
    /// a hidden folder and a text file that must not count.</summary>
    private static (TempFolder Folder, Dictionary<string, byte[]> Pixels) PetsFolder()
    {
        var folder = new TempFolder();
        var pixels = new Dictionary<string, byte[]>();
        void Add(string relative, int width, int height, int seed)
        {
            var values = Pixels(seed, width * height * 3);
            pixels[TestImages.WritePng(Path.Combine(folder.Path, relative), values, width, height)] = values;
        }
        Add("cats/b.png", 4, 4, 1);
        Add("cats/a.png", 4, 4, 2);
        Add("cats/more/c.PNG", 8, 6, 3);
        Add("dogs/d.png", 4, 4, 4);
        Add("dogs/e.png", 4, 4, 5);
        Add(".thumbnails/x.png", 4, 4, 6);
        File.WriteAllText(Path.Combine(folder.Path, "cats", "readme.txt"), "not an image");
        return (folder, pixels);
    }

    [Fact]
    public void A_folder_of_class_subfolders_gives_images_labels_class_names_and_files_in_kerass_order()
    {
        var (folder, pixels) = PetsFolder();
        using var _ = folder;
        var data = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Equal(["cats", "dogs"], data.ClassNames);
        string P(string relative) => Path.Combine(folder.Path, relative);
        Assert.Equal([P("cats/a.png"), P("cats/b.png"), P("cats/more/c.PNG"), P("dogs/d.png"), P("dogs/e.png")], data.FilePaths);
        Assert.Equal([5, 4, 4, 3], data.Images.Shape);
        Assert.Equal([0f, 0f, 0f, 1f, 1f], Values(data.Labels!));
        int size = 4 * 4 * 3;
        Assert.Equal(Floats(pixels[P("cats/a.png")]), data.Images.Data.AsSpan(0, size).ToArray());
        Assert.Equal(Floats(pixels[P("dogs/e.png")]), data.Images.Data.AsSpan(4 * size, size).ToArray());
        // The 8 x 6 image is resized as tf.image.resize does: Keras's Resizing layer, bilinear.
        var big = Tensor.FromArray(Floats(pixels[P("cats/more/c.PNG")]), [1, 6, 8, 3]);
        Assert.Equal(Values(new Resizing(4, 4).Call(big, training: false)), data.Images.Data.AsSpan(2 * size, size).ToArray());
        var cropped = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), shuffle: false, cropToAspectRatio: true, verbose: false);
        Assert.Equal(Values(new Resizing(4, 4, cropToAspectRatio: true).Call(big, training: false)), cropped.Images.Data.AsSpan(2 * size, size).ToArray());
        Assert.NotEqual(data.Images.Data.AsSpan(2 * size, size).ToArray(), cropped.Images.Data.AsSpan(2 * size, size).ToArray());

        var categorical = Images.DatasetFromDirectory(folder.Path, labelMode: "categorical", imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Equal([5, 2], categorical.Labels!.Shape);
        Assert.Equal([1f, 0f], categorical.Labels.Data.AsSpan(0, 2).ToArray());
        var binary = Images.DatasetFromDirectory(folder.Path, labelMode: "binary", imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Equal([5, 1], binary.Labels!.Shape);
        var unlabelled = Images.DatasetFromDirectory(folder.Path, labels: null, imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Null(unlabelled.Labels);
        Assert.Empty(unlabelled.ClassNames);
        Assert.Equal(6, unlabelled.FilePaths.Count); // the hidden folder's image too: without labels the whole tree counts
        var reordered = Images.DatasetFromDirectory(folder.Path, classNames: ["dogs", "cats"], imageSize: (4, 4), shuffle: false, verbose: false);
        Assert.Equal([0f, 0f, 1f, 1f, 1f], Values(reordered.Labels!));
        Assert.Equal(P("dogs/d.png"), reordered.FilePaths[0]);
    }

    [Fact]
    public void A_seeded_split_gives_training_and_validation_files_without_overlap()
    {
        var (folder, _) = PetsFolder();
        using var _f = folder;
        var training = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), seed: 7, validationSplit: 0.4, subset: "training", verbose: false);
        var validation = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), seed: 7, validationSplit: 0.4, subset: "validation", verbose: false);
        Assert.Equal(3, training.FilePaths.Count); // int(0.4 · 5) = 2 for validation, as Keras counts
        Assert.Equal(2, validation.FilePaths.Count);
        Assert.Empty(training.FilePaths.Intersect(validation.FilePaths));
        Assert.Equal(5, training.FilePaths.Union(validation.FilePaths).Count());
        var again = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), seed: 7, validationSplit: 0.4, subset: "training", verbose: false);
        Assert.Equal(training.FilePaths, again.FilePaths);
        Assert.Equal(Values(training.Images), Values(again.Images));
    }

    [Fact]
    public void The_shuffle_is_numpys_so_a_seed_splits_the_files_as_keras_does()
    {
        // np.random.RandomState(42).shuffle(np.arange(10)) gives [8 1 5 0 7 2 9 4 3 6], and the same state's next
        // permutation(10) [0 1 8 5 3 4 7 9 6 2] (published outputs: find_string "[8 1 5 0 7 2 9 4 3 6]").
        var numpy = new NumPyShuffle(42);
        var first = Enumerable.Range(0, 10).ToArray();
        numpy.Shuffle(first);
        Assert.Equal([8, 1, 5, 0, 7, 2, 9, 4, 3, 6], first);
        var second = Enumerable.Range(0, 10).ToArray();
        numpy.Shuffle(second);
        Assert.Equal([0, 1, 8, 5, 3, 4, 7, 9, 6, 2], second);

        var (folder, _) = PetsFolder();
        using var _f = folder;
        var all = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), shuffle: false, verbose: false).FilePaths;
        var shuffled = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), seed: 42, verbose: false).FilePaths;
        var expected = all.ToArray();
        new NumPyShuffle(42).Shuffle(expected);
        Assert.Equal(expected, shuffled);
    }

    [Fact]
    public void Linked_folders_are_walked_only_when_asked_and_a_loop_is_walked_once()
    {
        var (folder, _) = PetsFolder();
        using var _f = folder;
        // cats/more/back links to cats: a loop for a walk that follows links.
        Directory.CreateSymbolicLink(Path.Combine(folder.Path, "cats", "more", "back"), Path.Combine(folder.Path, "cats"));
        var plain = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), shuffle: false, verbose: false);
        var followed = Images.DatasetFromDirectory(folder.Path, imageSize: (4, 4), shuffle: false, followLinks: true, verbose: false);
        Assert.Equal(5, plain.FilePaths.Count);
        Assert.Equal(plain.FilePaths, followed.FilePaths);
    }

    [Fact]
    public void Arguments_keras_refuses_are_refused_naming_what_is_allowed()
    {
        var (folder, _) = PetsFolder();
        using var _f = folder;
        string dir = folder.Path;
        Assert.Contains("seed", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, validationSplit: 0.2, subset: "training", verbose: false)).Message);
        Assert.Contains("set both or neither", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, validationSplit: 0.2, seed: 1, verbose: false)).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, validationSplit: 0.2, subset: "both", seed: 1, verbose: false)).Message);
        Assert.Contains("cats, dogs", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, classNames: ["birds"], verbose: false)).Message);
        Assert.Contains("rgb", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, colorMode: "cmyk", verbose: false)).Message);
        Assert.Contains("bilinear", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, interpolation: "area", verbose: false)).Message);
        Directory.CreateDirectory(Path.Combine(dir, "birds"));
        TestImages.WritePng(Path.Combine(dir, "birds", "f.png"), Pixels(9, 48), 4, 4);
        Assert.Contains("exactly 2 classes", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(dir, labelMode: "binary", verbose: false)).Message);
        using var empty = new TempFolder();
        Assert.Contains("no files found", Assert.Throws<ArgumentException>(() => Images.DatasetFromDirectory(empty.Path, verbose: false)).Message);
        Assert.Throws<DirectoryNotFoundException>(() => Images.DatasetFromDirectory(Path.Combine(empty.Path, "nowhere"), verbose: false));
        File.WriteAllText(Path.Combine(dir, "dogs", "broken.jpg"), "not a jpeg");
        Assert.Contains("broken.jpg", Assert.Throws<DataFormatException>(() => Images.DatasetFromDirectory(dir, verbose: false)).Message);
    }

    [Fact]
    public void A_small_cnn_learns_bright_from_dark_images_read_from_a_folder()
    {
        using var folder = new TempFolder();
        TestImages.WriteBrightAndDark(folder.Path, perClass: 12, size: 8, seed: 5);
        var training = Images.DatasetFromDirectory(folder.Path, labelMode: "binary", imageSize: (8, 8), seed: 3, validationSplit: 0.25, subset: "training", verbose: false);
        var validation = Images.DatasetFromDirectory(folder.Path, labelMode: "binary", imageSize: (8, 8), seed: 3, validationSplit: 0.25, subset: "validation", verbose: false);
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Rescaling(1.0 / 255), new Conv2D(4, 3, activation: "relu"), new GlobalAveragePooling2D(), new Dense(1, activation: "sigmoid"));
        model.Build([8, 8, 3]);
        model.Compile(new Nabla.Optimizers.Adam(0.05), "binary_crossentropy", metrics: ["accuracy"]);
        model.Fit(training.Images, training.Labels!, epochs: 30, batchSize: 6, verbose: 0);
        var result = model.Evaluate(validation.Images, validation.Labels!);
        Assert.Equal(1.0, result["accuracy"], 3);
    }
}
