using System.Runtime.CompilerServices;
using Nabla.Configuration;
using Nabla.Serialization.Hdf5;
using Nabla.Serialization.Onnx;
using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;
using Nabla.Serialization.TensorFlowJs;

namespace Nabla.Serialization;

/// <summary>The file formats behind <see cref="Model.Save"/>, <see cref="Model.Load"/>, weights and export,
/// chosen by the path's extension.</summary>
internal sealed class ModelFileFormats : IModelFiles
{
    private const string WeightsH5 = ".weights.h5";
    private const string ShardedWeights = ".weights.json";
    private const string LegacyHdf5 = ".hdf5";

    // A library module initializer is deliberate: it is the one place where the formats plug into Model.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => ModelFiles.RegisterBuiltIn(new ModelFileFormats());

    public void SaveWeights(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        model.EnsureBuilt(nameof(Model.SaveWeights));
        if (Ends(path, WeightsH5)) AtomicFile.Write(path, stream => KerasWeightsTree.Write(model, stream));
        else if (Ends(path, ModelWeights.Extension)) SafetensorsFile.Write(path, ModelWeights.ByName(model), ModelWeights.Metadata());
        else throw UnknownExtension(nameof(Model.SaveWeights), path, $"\"{WeightsH5}\" (Keras 3) or \"{ModelWeights.Extension}\"");
    }

    public WeightsLoadReport LoadWeights(Model model, string path, bool skipMismatch, bool byName)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        model.EnsureBuilt(nameof(Model.LoadWeights));
        bool legacy = Ends(path, LegacyH5.Extension) && !Ends(path, WeightsH5) || Ends(path, LegacyHdf5);
        if (byName && !legacy)
            throw new ArgumentException($"LoadWeights: byName loads legacy \"{LegacyH5.Extension}\" or \"{LegacyHdf5}\" weights files only (as Keras's by_name); '{path}' is read by Keras's paths.", nameof(byName));
        if (Ends(path, WeightsH5))
        {
            using var file = Hdf5Reader.Open(path);
            using var store = KerasVarsStore.Single(file);
            var report = KerasWeightsTree.LoadWeights(model, store, skipMismatch);
            KerasOptimizerVariables.RestoreAfter(report, model, file);
            return report;
        }
        if (Ends(path, KerasArchive.Extension)) return KerasArchive.LoadWeights(model, path, skipMismatch);
        if (Ends(path, ShardedWeights)) return ShardedWeightsFile.Load(model, path, skipMismatch);
        if (Ends(path, ModelWeights.Extension)) return ModelWeights.Apply(model, SafetensorsFile.Read(path).Tensors, path, skipMismatch);
        if (legacy) return LegacyH5Weights.Load(model, path, skipMismatch, byName);
        throw UnknownExtension(nameof(Model.LoadWeights), path,
            $"\"{WeightsH5}\", \"{KerasArchive.Extension}\", \"{ShardedWeights}\", \"{ModelWeights.Extension}\" or a legacy \"{LegacyH5.Extension}\"/\"{LegacyHdf5}\" weights file");
    }

    public void Save(Model model, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        model.EnsureBuilt(nameof(Model.Save));
        if (Ends(path, KerasArchive.Extension))
        {
            KerasArchive.Save(model, path);
            return;
        }
        if (model is not Sequential sequential)
            throw new NotSupportedException(
                $"Save: only Sequential models can be saved as legacy .h5 or TensorFlow.js files; '{model.Name}' is a {model.ClassName} model (save it as .keras).");
        if (Ends(path, WeightsH5)) throw WeightsOnly(nameof(Model.Save), path, "use SaveWeights, or end the path in \".h5\" without \".weights\" for a legacy model file");
        else if (Ends(path, LegacyH5.Extension)) LegacyH5.Save(sequential, path);
        else if (Ends(path, TfjsLayersModel.Extension)) TfjsLayersModel.Save(sequential, path);
        else throw UnknownExtension(nameof(Model.Save), path, "\".keras\", \".h5\" or \"model.json\" (TensorFlow.js)");
    }

    public Model Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Ends(path, KerasArchive.Extension)) return KerasArchive.Load(path);
        if (Ends(path, WeightsH5) || Ends(path, ShardedWeights))
            throw WeightsOnly(nameof(Model.Load), path, "build the model and call LoadWeights");
        if (Ends(path, LegacyH5.Extension)) return LegacyH5.Load(path);
        if (Ends(path, TfjsLayersModel.Extension)) return TfjsLayersModel.Load(path);
        throw UnknownExtension(nameof(Model.Load), path, "\".keras\", \".h5\" or \"model.json\" (TensorFlow.js)");
    }

    public void SaveTrainingState(Model model, string path, IReadOnlyDictionary<string, string> metadata) =>
        TrainingStateFile.Save(model, path, metadata);

    public (IReadOnlyDictionary<string, string> Metadata, Action Restore) ReadTrainingState(Model model, string path) =>
        TrainingStateFile.Read(model, path);

    public IReadOnlyList<string> Extensions { get; } =
        [KerasArchive.Extension, LegacyH5.Extension, WeightsH5, ShardedWeights, ModelWeights.Extension, TfjsLayersModel.Extension];

    public IReadOnlyList<string> ExportFormats { get; } = ["onnx"];

    public void Export(Model model, string path, string format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(format);
        switch (format.ToLowerInvariant())
        {
            case "onnx":
                OnnxExport.Write(model, path);
                break;
            default:
                throw new ArgumentException(
                    $"Export 'format' \"{format}\" is unknown; valid formats: {string.Join(", ", ExportFormats)}.", nameof(format));
        }
    }

    private static bool Ends(string path, string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    private static ArgumentException WeightsOnly(string operation, string path, string instead) =>
        new($"{operation}: '{path}' holds weights only; {instead}.", nameof(path));

    private static ArgumentException UnknownExtension(string operation, string path, string expected) =>
        new($"{operation}: the path must end in {expected}; found '{path}'.", nameof(path));
}
