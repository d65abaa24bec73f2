using System.IO.Compression;
using Nabla.Data;
using Nabla.Optimizers;
using Nabla.Serialization.Hdf5;
using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;
using Nabla.Tests.Data;
using Nabla.Tests.Serialization;
using Nabla.Tests.Serialization.Keras;
using PureHDF;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Adafactor's state at Keras's shapes (keras/src/optimizers/adafactor.py, build): for a weight of rank ≥ 2, r of
/// shape[:-1] and c of shape[:-2] + shape[-1:]; below rank 2, a scalar each; velocity at the weight's shape. In
/// memory and in every file that carries it, so the state passes between Keras's files and Nabla's.
/// </summary>
public class AdafactorStateShapeTests
{
    /// <summary>Keras's shapes of r, c and velocity for a weight of shape <paramref name="shape"/>.</summary>
    private static int[][] KerasShapes(int[] shape) =>
        shape.Length >= 2 ? [shape[..^1], [.. shape[..^2], shape[^1]], shape] : [[], [], shape];

    private static readonly string[] Names = ["r", "c", "velocity"];

    [Fact]
    public void The_state_arrays_have_Keras_shapes_a_scalar_each_for_a_bias_rows_and_columns_for_a_kernel()
    {
        var bias = AdafactorTests.Parameter("dense/bias", 1, 3);
        var kernel = AdafactorTests.Parameter("dense/kernel", 2, 3, 4);
        var conv = AdafactorTests.Parameter("conv2d/kernel", 3, 2, 2, 3, 4);
        var expected = new (Tensor Weight, string[] Shapes, int[] Sizes)[]
        {
            (bias, ["[]", "[]", "[3]"], [1, 1, 3]),
            (kernel, ["[3]", "[4]", "[3, 4]"], [3, 4, 12]),
            (conv, ["[2, 2, 3]", "[2, 2, 4]", "[2, 2, 3, 4]"], [12, 16, 48]),
        };
        var adafactor = new Adafactor();
        // Known before the first update too: a loaded file restores into them then.
        foreach (var (weight, shapes, _) in expected)
            Assert.Equal(shapes, Names.Select(n => Tensor.ShapeString(adafactor.StateShapeOf(weight, n))));

        foreach (var (weight, _, _) in expected) weight.Grad = Tensor.FromArray(AdafactorTests.Gradient(weight.Size, 1), weight.Shape);
        Assert.True(adafactor.Apply([bias, kernel, conv]));
        foreach (var (weight, shapes, sizes) in expected)
        {
            var state = adafactor.SavedState(weight).ToList();
            Assert.Equal(Names, state.Select(s => s.Name));
            Assert.Equal(shapes, state.Select(s => Tensor.ShapeString(s.Shape)));
            Assert.Equal(sizes, state.Select(s => s.Values.Length));
        }
    }

    [Fact]
    public void A_784x128_kernel_keeps_784_plus_128_plus_its_own_size_in_floats_and_a_step_allocates_nothing()
    {
        var warmUp = AdafactorTests.Parameter("warm_up", 0, 4, 4);
        warmUp.Grad = Tensor.FromArray(AdafactorTests.Gradient(16, 1), 4, 4);
        new Adafactor().Apply([warmUp]);

        var kernel = AdafactorTests.Parameter("dense/kernel", 16, 784, 128);
        Tensor[] parameters = [kernel];
        var adafactor = new Adafactor();
        kernel.Grad = Tensor.FromArray(AdafactorTests.Gradient(784 * 128, 1), 784, 128);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(adafactor.Apply(parameters));
        long firstStep = GC.GetAllocatedBytesForCurrentThread() - before;

        const long stateFloats = 784 + 128 + 784 * 128;
        Assert.Equal(stateFloats, adafactor.SavedState(kernel).Sum(s => (long)s.Values.Length));
        // The first step makes the state, the guard's copies of it and of the weight, a row of scratch and the column
        // sums (and small objects); r and c at the weight's size, with their copies, would add 1.6 MB.
        long made = 4 * (2 * stateFloats + 784 * 128 + 2 * 128);
        Assert.InRange(firstStep, made, made + 16_384);

        kernel.Grad = Tensor.FromArray(AdafactorTests.Gradient(784 * 128, 2), 784, 128);
        before = GC.GetAllocatedBytesForCurrentThread();
        bool applied = adafactor.Apply(parameters);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(applied);
    }

    /// <summary>Checks the shapes of r, c and velocity the archive at <paramref name="path"/> holds for each of
    /// <paramref name="model"/>'s trainable weights: in its weights file's <c>optimizer/vars</c>, or in Nabla's earlier
    /// <c>optimizer.safetensors</c> entry.</summary>
    internal static void AssertRAndCWrittenAtKerasShapes(string path, Model model, bool earlierSafetensorsLayout)
    {
        var expected = model.TrainableWeights.SelectMany(w => KerasShapes(w.Shape)).Select(s => Tensor.ShapeString(s));
        if (earlierSafetensorsLayout)
        {
            var tensors = ReadEntry(path, OptimizerState.Entry).Tensors;
            var trainable = model.TrainableWeights.ToHashSet(ReferenceEqualityComparer.Instance);
            Assert.Equal(expected, ModelWeights.Paths(model).Where(p => trainable.Contains(p.Weight))
                .SelectMany(p => Names.Select(n => Tensor.ShapeString(tensors[$"{p.Path}/{n}"].Shape))));
        }
        else
        {
            using var file = Hdf5Reader.Open(new MemoryStream(Hdf5Tree.WeightsEntry(path)), path);
            Assert.Equal(expected, SlotShapes(file));
        }
    }

    /// <summary>The shapes of <c>optimizer/vars</c> past iterations and learning_rate, in order.</summary>
    private static IEnumerable<string> SlotShapes(Hdf5Reader file) =>
        Enumerable.Range(2, file.Children(KerasOptimizerVariables.VarsPath).Datasets.Count - 2)
            .Select(i => Tensor.ShapeString(file.Shape($"{KerasOptimizerVariables.VarsPath}/{i}"))).ToList();

    [Fact]
    public void A_weights_file_writes_r_and_c_at_Keras_shapes_and_a_compiled_model_resumes_from_it_bitwise()
    {
        using var folder = new TempFolder();
        var trained = AdafactorTests.Trained(images: true);
        string path = folder.File("model.weights.h5");
        trained.SaveWeights(path);
        using (var file = Hdf5Reader.Open(path))
        {
            // The conv kernel [3, 3, 1, 4] factors over [1, 4] at each of its 3·3 positions.
            Assert.Equal(["[3, 3, 1]", "[3, 3, 4]", "[3, 3, 1, 4]"], SlotShapes(file).Take(3));
            Assert.Equal(trained.TrainableWeights.SelectMany(w => KerasShapes(w.Shape)).Select(s => Tensor.ShapeString(s)), SlotShapes(file));
        }

        Utils.SetRandomSeed(1);
        var loaded = AdafactorTests.ConvClassifier();
        loaded.Compile(new Adafactor(0.05), "categorical_crossentropy");
        loaded.LoadWeights(path);
        Assert.Equal(trained.Optimizer!.Iterations, loaded.Optimizer!.Iterations);
        var expected = AdafactorTests.TrainOneMoreEpoch(trained, images: true);
        var actual = AdafactorTests.TrainOneMoreEpoch(loaded, images: true);
        for (int w = 0; w < expected.Length; w++) Assert.Equal(expected[w], actual[w]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_file_keeping_r_at_its_weight_s_full_shape_is_refused_naming_the_dataset_and_both_shapes(bool earlierSafetensorsLayout)
    {
        // The layout Nabla wrote before r and c had Keras's shapes: r at the start of an array of the weight's shape.
        using var folder = new TempFolder();
        var trained = AdafactorTests.Trained(images: false);
        var kernel = trained.TrainableWeights[0];
        Assert.Equal([4, 8], kernel.Shape);
        var fullR = new float[kernel.Size];
        trained.Optimizer!.StateArray(kernel, "r").CopyTo(fullR, 0);
        var oldR = Tensor.FromArray(fullR, kernel.Shape);
        string path = folder.File("old.keras");
        string field;
        if (earlierSafetensorsLayout)
        {
            NablaSafetensorsArchive.Save(trained, path);
            var (tensors, metadata) = OptimizerState.Collect(trained)!.Value;
            string key = $"{ModelWeights.Paths(trained).First(p => ReferenceEquals(p.Weight, kernel)).Path}/r";
            tensors[key] = oldR;
            field = $"tensor '{key}'";
            RewriteEntry(path, OptimizerState.Entry, stream => SafetensorsFile.Write(stream, tensors, metadata));
        }
        else
        {
            trained.Save(path);
            var tree = KerasWeightsTree.Build(trained);
            // 0: iterations, 1: learning_rate, 2: r of the first trainable weight.
            ((H5Group)((H5Group)tree["optimizer"])["vars"])["2"] = KerasWeightsTree.Dataset(oldR);
            field = "dataset 'optimizer/vars/2'";
            RewriteEntry(path, KerasArchive.WeightsEntry, stream => Hdf5Writer.Write(tree, stream));
        }
        var error = Assert.Throws<DataFormatException>(() => Model.Load(path));
        Assert.Contains(earlierSafetensorsLayout ? OptimizerState.Entry : KerasArchive.WeightsEntry, error.Message);
        Assert.Contains(field, error.Message);
        Assert.Contains("shape [4]", error.Message);
        Assert.Contains("[4, 8]", error.Message);
    }

    private static SafetensorsContent ReadEntry(string archive, string entryName)
    {
        using var zip = ZipFile.OpenRead(archive);
        var entry = zip.GetEntry(entryName)!;
        using var buffer = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(buffer);
        buffer.Position = 0;
        return SafetensorsFile.Read(buffer, buffer.Length, entry.FullName);
    }

    private static void RewriteEntry(string archive, string entryName, Action<Stream> write)
    {
        using var zip = ZipFile.Open(archive, ZipArchiveMode.Update);
        zip.GetEntry(entryName)!.Delete();
        using var stream = zip.CreateEntry(entryName).Open();
        write(stream);
    }
}
