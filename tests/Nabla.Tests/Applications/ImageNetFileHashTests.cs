using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;
using DataFormatException = Nabla.Data.DataFormatException;

namespace Nabla.Tests.Applications;

/// <summary>
/// <c>weights: "imagenet"</c> checks Keras's cached file as Keras's get_file does (file_utils.validate_file, algorithm
/// "auto": sha256 for a 64-digit hash, else md5) and refuses one whose hash is not the one Keras's application source
/// gives, where Keras would download it again. A user's own weights path is never checked.
/// </summary>
[Collection(KerasHomeCollection.Name)]
public class ImageNetFileHashTests
{
    private const string KerasUrl = "https://storage.googleapis.com/tensorflow/keras-applications/";
    private const string Vgg16NoTop = "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5";

    private static Model SmallVgg16(string? weights) => Nabla.Applications.VGG16(includeTop: false, weights: weights, inputShape: [32, 32, 3]);

    private static string Md5(string path) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static float[][] Snapshot(Model model) => [.. model.Weights.Select(w => w.Data.ToArray())];

    [Fact]
    public void A_cached_file_whose_hash_is_not_Keras_s_is_refused_naming_the_path_the_algorithm_and_both_hashes()
    {
        using var home = new TempFolder();
        Directory.CreateDirectory(home.File("models"));
        Utils.SetRandomSeed(21);
        // A well-formed weights file under Keras's name, but not Keras's own download.
        string path = Path.Combine(home.Path, "models", Vgg16NoTop);
        KerasTwoWeightsFile.Write(SmallVgg16(null), path);
        KerasHomeCollection.With(home.Path, () =>
        {
            var e = Assert.Throws<DataFormatException>(() => SmallVgg16(Nabla.Applications.ImageNet));
            Assert.Equal(path, e.Path);
            Assert.StartsWith(path, e.Message);
            Assert.Contains("md5", e.Message);
            Assert.Contains("6d6bbae143d832006294945121d1f1fc", e.Expected);
            Assert.Contains(Md5(path), e.Found);
            Assert.Contains("incomplete or not Keras's", e.Message);
            Assert.Contains("Delete it and let Keras download it again", e.Message);
            Assert.Contains($"{KerasUrl}vgg16/{Vgg16NoTop}", e.Message);
        });
    }

    [Fact]
    public void A_truncated_file_is_refused_before_any_weight_is_changed()
    {
        using var home = new TempFolder();
        string path = Path.Combine(Directory.CreateDirectory(home.File("models")).FullName, Vgg16NoTop);
        Utils.SetRandomSeed(22);
        KerasTwoWeightsFile.Write(SmallVgg16(null), path);
        string wholeFileMd5 = Md5(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        Utils.SetRandomSeed(23);
        var model = SmallVgg16(null);
        var before = Snapshot(model);
        KerasHomeCollection.With(home.Path, () =>
        {
            var e = Assert.Throws<DataFormatException>(() =>
                Nabla.Applications.LoadWeights(model, Nabla.Applications.ImageNet, Vgg16NoTop, KerasUrl + Vgg16NoTop, wholeFileMd5));
            Assert.Equal(path, e.Path);
            Assert.Contains(wholeFileMd5, e.Expected);
            Assert.Contains($"md5 {Md5(path)}", e.Found);
        });
        var after = Snapshot(model);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
    }

    [Fact]
    public void A_64_digit_hash_is_checked_as_sha256_as_Keras_s_auto_algorithm_does()
    {
        using var home = new TempFolder();
        string models = Directory.CreateDirectory(home.File("models")).FullName;
        Utils.SetRandomSeed(24);
        var source = SmallVgg16(null);
        string path = Path.Combine(models, Vgg16NoTop);
        KerasTwoWeightsFile.Write(source, path);
        string sha256 = Sha256(path);
        KerasHomeCollection.With(home.Path, () =>
        {
            Utils.SetRandomSeed(25);
            var model = SmallVgg16(null);
            Nabla.Applications.LoadWeights(model, Nabla.Applications.ImageNet, Vgg16NoTop, KerasUrl + Vgg16NoTop, sha256);
            for (int i = 0; i < source.Weights.Count; i++) Assert.Equal(source.Weights[i].Data.ToArray(), model.Weights[i].Data.ToArray());

            string wrong = new('0', 64);
            var e = Assert.Throws<DataFormatException>(() =>
                Nabla.Applications.LoadWeights(SmallVgg16(null), Nabla.Applications.ImageNet, Vgg16NoTop, KerasUrl + Vgg16NoTop, wrong));
            Assert.Contains($"sha256 hash Keras's get_file checks", e.Expected);
            Assert.Contains(wrong, e.Expected);
            Assert.Contains($"sha256 {sha256}", e.Found);
        });
    }

    [Fact]
    public void A_weights_path_given_by_the_user_is_read_without_a_hash_check()
    {
        using var folder = new TempFolder();
        Utils.SetRandomSeed(26);
        var source = SmallVgg16(null);
        // Keras's file name, but passed as a path: Keras's get_file is not involved, and neither is a hash.
        string path = folder.File(Vgg16NoTop);
        KerasTwoWeightsFile.Write(source, path);
        var loaded = SmallVgg16(path);
        for (int i = 0; i < source.Weights.Count; i++) Assert.Equal(source.Weights[i].Data.ToArray(), loaded.Weights[i].Data.ToArray());
    }

    /// <summary>Keras's hashes, copied once more from Keras's source (keras/src/applications/vgg16.py's file_hash
    /// arguments, resnet.py's WEIGHTS_HASHES (top, notop) pairs, efficientnet.py's WEIGHTS_HASHES, densenet.py,
    /// xception.py and inception_v3.py), so that a typo in either copy fails here.</summary>
    [Theory]
    [InlineData("vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b")]
    [InlineData("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6")]
    [InlineData("resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "4d473c1dd8becc155b73f8504c6f6626")]
    [InlineData("resnet152v2_weights_tf_dim_ordering_tf_kernels.h5", "a49b44d1979771252814e80f8ec446f9")]
    [InlineData("densenet201_weights_tf_dim_ordering_tf_kernels.h5", "1ceb130c1ea1b78c3bf6114dbdfd8807")]
    [InlineData("xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97")]
    [InlineData("inception_v3_weights_tf_dim_ordering_tf_kernels.h5", "9a0d58056eeedaa3f26cb7ebd46da564")]
    [InlineData("efficientnetb0.h5", "902e53a9f72be733fc0bcb005b3ebbac")]
    [InlineData("efficientnetb7_notop.h5", "cbcfe4450ddf6f3ad90b1b398090fe4a")]
    public void The_hashes_are_Keras_s(string file, string kerasHash) => Assert.Equal(kerasHash, AllHashes()[file]);

    [Fact]
    public void Every_family_with_Keras_hashes_has_one_per_file_each_32_or_64_lowercase_hex_digits()
    {
        Assert.Equal(4, Nabla.Applications.VggImageNetHashes.Count);
        Assert.Equal(12, Nabla.Applications.ResNetImageNetHashes.Count);
        Assert.Equal(6, Nabla.Applications.DenseNetImageNetHashes.Count);
        Assert.Equal(2, Nabla.Applications.XceptionImageNetHashes.Count);
        Assert.Equal(2, Nabla.Applications.InceptionV3ImageNetHashes.Count);
        Assert.Equal(16, Nabla.Applications.EfficientNetImageNetHashes.Count);
        var all = AllHashes();
        Assert.Equal(42, all.Count);
        Assert.All(all.Values, h => Assert.Matches(new Regex("^([0-9a-f]{32}|[0-9a-f]{64})$"), h));
        Assert.Equal(all.Count, all.Values.Distinct().Count());
    }

    /// <summary>Each builder asks for the hash of the file it reads: a stand-in under Keras's name is refused with
    /// Keras's hash for that file (the top-less files, whose models build small).</summary>
    [Theory]
    [InlineData("VGG19", "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5", "253f8cb515780f3b799900260a226db6")]
    [InlineData("ResNet50", "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5", "4d473c1dd8becc155b73f8504c6f6626")]
    [InlineData("ResNet50V2", "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5", "fac2f116257151a9d068a22e544a4917")]
    [InlineData("DenseNet121", "densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5", "30ee3e1110167f948a6b9946edeeb738")]
    [InlineData("Xception", "xception_weights_tf_dim_ordering_tf_kernels_notop.h5", "b0042744bf5b25fce3cb969f33bebb97")]
    [InlineData("InceptionV3", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5", "bcbd6486424b2319ff4ef7d526e38f63")]
    [InlineData("EfficientNetB3", "efficientnetb3_notop.h5", "af6d107764bb5b1abb91932881670226")]
    public void Each_builder_checks_its_own_file_against_Keras_s_hash(string model, string file, string kerasHash)
    {
        using var home = new TempFolder();
        string path = Path.Combine(Directory.CreateDirectory(home.File("models")).FullName, file);
        File.WriteAllText(path, "not Keras's file");
        Func<Model> build = model switch
        {
            "VGG19" => () => Nabla.Applications.VGG19(includeTop: false, inputShape: [32, 32, 3]),
            "ResNet50" => () => Nabla.Applications.ResNet50(includeTop: false, inputShape: [32, 32, 3]),
            "ResNet50V2" => () => Nabla.Applications.ResNet50V2(includeTop: false, inputShape: [32, 32, 3]),
            "DenseNet121" => () => Nabla.Applications.DenseNet121(includeTop: false, inputShape: [32, 32, 3]),
            "Xception" => () => Nabla.Applications.Xception(includeTop: false, inputShape: [71, 71, 3]),
            "InceptionV3" => () => Nabla.Applications.InceptionV3(includeTop: false, inputShape: [75, 75, 3]),
            _ => () => Nabla.Applications.EfficientNetB3(includeTop: false, inputShape: [32, 32, 3]),
        };
        KerasHomeCollection.With(home.Path, () =>
        {
            var e = Assert.Throws<DataFormatException>(build);
            Assert.Equal(path, e.Path);
            Assert.Contains($"md5 hash Keras's get_file checks this cached ImageNet weights file against, {kerasHash}", e.Expected);
            Assert.Contains($"md5 {Md5(path)}", e.Found);
        });
    }

    private static Dictionary<string, string> AllHashes() => new[]
    {
        Nabla.Applications.VggImageNetHashes, Nabla.Applications.ResNetImageNetHashes, Nabla.Applications.DenseNetImageNetHashes,
        Nabla.Applications.XceptionImageNetHashes, Nabla.Applications.InceptionV3ImageNetHashes, Nabla.Applications.EfficientNetImageNetHashes,
    }.SelectMany(t => t).ToDictionary(p => p.Key, p => p.Value);
}
