using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;

namespace Nabla;

public partial class Model
{
    /// <summary>
    /// Saves every weight to a safetensors file (Keras's <c>model.save_weights</c>; the path must end in
    /// ".safetensors"). Tensors are named as Keras 3 addresses layers, by class and position, not by layer
    /// name: "dense/kernel", "dense/bias", "dense_1/kernel"... The file is written atomically.
    /// </summary>
    public void SaveWeights(string path)
    {
        ModelWeights.CheckExtension(path, ModelWeights.Extension, "\".weights.h5\" (HDF5)", nameof(SaveWeights));
        EnsureBuilt(nameof(SaveWeights));
        SafetensorsFile.Write(path, ModelWeights.ByName(this), ModelWeights.Metadata());
    }

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/> (Keras's <c>model.load_weights</c>). Every weight
    /// of the model must be in the file with its shape, and nothing else; otherwise the error lists the
    /// missing, unexpected and mismatched names and no weight is changed.
    /// </summary>
    public void LoadWeights(string path)
    {
        ModelWeights.CheckExtension(path, ModelWeights.Extension, "\".weights.h5\" (HDF5)", nameof(LoadWeights));
        EnsureBuilt(nameof(LoadWeights));
        ModelWeights.Apply(this, SafetensorsFile.Read(path).Tensors, path);
    }

    /// <summary>
    /// Saves architecture, weights, compile configuration and optimizer state (moments, iterations) to a
    /// ".keras" zip (Keras's <c>model.save</c>), atomically.
    /// </summary>
    public void Save(string path)
    {
        ModelWeights.CheckExtension(path, KerasArchive.Extension, "legacy \".h5\" (HDF5)", nameof(Save));
        EnsureBuilt(nameof(Save));
        KerasArchive.Save(this, path);
    }

    /// <summary>
    /// Restores a model written by <see cref="Save"/> (Keras's <c>keras.saving.load_model</c>): the
    /// architecture, the weights and, when it was compiled, the optimizer (with its moments and iteration
    /// count, so training continues exactly where it stopped), loss and metrics.
    /// </summary>
    public static Model Load(string path)
    {
        ModelWeights.CheckExtension(path, KerasArchive.Extension, "legacy \".h5\" (HDF5)", nameof(Load));
        return KerasArchive.Load(path);
    }
}
