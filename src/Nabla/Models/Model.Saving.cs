using Nabla.Configuration;
using Nabla.Serialization;
using Nabla.Serialization.Hdf5;
using Nabla.Serialization.Safetensors;
using Nabla.Serialization.Saving;
using Nabla.Serialization.TensorFlowJs;

namespace Nabla;

public abstract partial class Model
{
    private const string WeightsH5 = ".weights.h5";
    private const string ShardedWeights = ".weights.json";

    /// <summary>
    /// Saves every weight (Keras's <c>model.save_weights</c>), atomically, in the format the extension names:
    /// ".weights.h5" writes Keras 3's HDF5 weights file (with the optimizer's state once compiled, as Keras does);
    /// ".safetensors" writes safetensors, tensors named by Keras's layer paths ("dense/kernel", "dense_1/bias").
    /// </summary>
    public void SaveWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        EnsureBuilt(nameof(SaveWeights));
        if (Ends(path, WeightsH5)) AtomicFile.Write(path, stream => KerasWeightsTree.Write(this, stream));
        else if (Ends(path, ModelWeights.Extension)) SafetensorsFile.Write(path, ModelWeights.ByName(this), ModelWeights.Metadata());
        else throw UnknownExtension(nameof(SaveWeights), path, $"\"{WeightsH5}\" (Keras 3) or \"{ModelWeights.Extension}\"");
    }

    /// <summary>
    /// Loads weights into this built model (Keras's <c>model.load_weights</c>) from ".weights.h5" (Keras 3, also
    /// restoring the optimizer's state when this model is compiled and the file has it), a sharded ".weights.json"
    /// or ".safetensors". Every weight of the model must be in the file with its shape, and nothing else; otherwise
    /// the error lists the missing, unexpected and mismatched ones and no weight is changed.
    /// </summary>
    public void LoadWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        EnsureBuilt(nameof(LoadWeights));
        if (Ends(path, WeightsH5))
        {
            using var file = Hdf5Reader.Open(path);
            using var store = KerasVarsStore.Single(file);
            KerasWeightsTree.LoadWeights(this, store);
            if (IsCompiled && file.Exists(KerasOptimizerVariables.VarsPath)) KerasOptimizerVariables.Restore(this, file);
        }
        else if (Ends(path, ShardedWeights)) ShardedWeightsFile.Load(this, path);
        else if (Ends(path, ModelWeights.Extension)) ModelWeights.Apply(this, SafetensorsFile.Read(path).Tensors, path);
        else throw UnknownExtension(nameof(LoadWeights), path, $"\"{WeightsH5}\", \"{ShardedWeights}\" or \"{ModelWeights.Extension}\"");
    }

    /// <summary>
    /// Saves architecture, weights, compile configuration and optimizer state (Keras's <c>model.save</c>),
    /// atomically, as the extension says: ".keras" (Keras 3's archive), ".h5" (the legacy HDF5 model file) or
    /// "model.json" (a TensorFlow.js layers model, with its ".bin" shard beside it).
    /// </summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        EnsureBuilt(nameof(Save));
        if (this is not Sequential sequential)
            throw new NotSupportedException($"Save: only Sequential models can be saved; '{Name}' is a {GetType().Name}.");
        if (Ends(path, KerasArchive.Extension)) KerasArchive.Save(sequential, path);
        else if (Ends(path, WeightsH5)) throw new ArgumentException($"Save: '{path}' names a weights file; use SaveWeights, or end the path in \".h5\" without \".weights\" for a legacy model file.", nameof(path));
        else if (Ends(path, LegacyH5.Extension)) LegacyH5.Save(sequential, path);
        else if (Ends(path, TfjsLayersModel.Extension)) TfjsLayersModel.Save(sequential, path);
        else throw UnknownExtension(nameof(Save), path, "\".keras\", \".h5\" or \"model.json\" (TensorFlow.js)");
    }

    /// <summary>
    /// Restores a saved model (Keras's <c>keras.saving.load_model</c>): ".keras" archives from Keras 3.0 on and
    /// Nabla's own, legacy ".h5" files (Keras 2, tf.keras, Keras 3), and TensorFlow.js "model.json". The
    /// architecture, the weights and, when it was compiled, the optimizer (with its state, so training continues
    /// where it stopped), loss and metrics.
    /// </summary>
    public static Sequential Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Ends(path, KerasArchive.Extension)) return KerasArchive.Load(path);
        if (Ends(path, WeightsH5))
            throw new ArgumentException($"Load: '{path}' holds weights only; build the model and call LoadWeights.", nameof(path));
        if (Ends(path, LegacyH5.Extension)) return LegacyH5.Load(path);
        if (Ends(path, ShardedWeights))
            throw new ArgumentException($"Load: '{path}' holds weights only; build the model and call LoadWeights.", nameof(path));
        if (Ends(path, TfjsLayersModel.Extension)) return TfjsLayersModel.Load(path);
        throw UnknownExtension(nameof(Load), path, "\".keras\", \".h5\" or \"model.json\" (TensorFlow.js)");
    }

    private static bool Ends(string path, string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);

    private static ArgumentException UnknownExtension(string operation, string path, string expected) =>
        new($"{operation}: the path must end in {expected}; found '{path}'.", nameof(path));
}
