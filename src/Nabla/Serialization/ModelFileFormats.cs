using System.Runtime.CompilerServices;
using Nabla.Serialization.Onnx;
using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;

namespace Nabla.Serialization;

/// <summary>The file formats behind <see cref="Model.Save"/>, <see cref="Model.Load"/>, weights and export,
/// chosen by the path's extension.</summary>
internal sealed class ModelFileFormats : IModelFiles
{
    // A library module initializer is deliberate: it is the one place where the formats plug into Model.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => ModelFiles.Formats = new ModelFileFormats();

    public void SaveWeights(Model model, string path)
    {
        ModelWeights.CheckExtension(path, ModelWeights.Extension, "\".weights.h5\" (HDF5)", nameof(Model.SaveWeights));
        model.EnsureBuilt(nameof(Model.SaveWeights));
        SafetensorsFile.Write(path, ModelWeights.ByName(model), ModelWeights.Metadata());
    }

    public void LoadWeights(Model model, string path)
    {
        ModelWeights.CheckExtension(path, ModelWeights.Extension, "\".weights.h5\" (HDF5)", nameof(Model.LoadWeights));
        model.EnsureBuilt(nameof(Model.LoadWeights));
        ModelWeights.Apply(model, SafetensorsFile.Read(path).Tensors, path);
    }

    public void Save(Model model, string path)
    {
        ModelWeights.CheckExtension(path, KerasArchive.Extension, "legacy \".h5\" (HDF5)", nameof(Model.Save));
        model.EnsureBuilt(nameof(Model.Save));
        KerasArchive.Save(model, path);
    }

    public Model Load(string path)
    {
        ModelWeights.CheckExtension(path, KerasArchive.Extension, "legacy \".h5\" (HDF5)", nameof(Model.Load));
        return KerasArchive.Load(path);
    }

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
}
