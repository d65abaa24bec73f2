namespace Nabla;

public partial class Model
{
    /// <summary>
    /// Saves every weight (Keras's <c>model.save_weights</c>), atomically, in the format the extension names:
    /// ".weights.h5" writes Keras 3's HDF5 weights file (with the optimizer's state once compiled, as Keras does);
    /// ".safetensors" writes safetensors, tensors named by Keras's layer paths ("dense/kernel", "dense_1/bias").
    /// </summary>
    public void SaveWeights(string path)
    {
        if (AddedFormat(path) is { } added) added.SaveWeights(this, path);
        else ModelFiles.Formats.SaveWeights(this, path);
    }

    /// <summary>
    /// Loads weights into this built model (Keras's <c>model.load_weights</c>) from ".weights.h5" (Keras 3, also
    /// restoring the optimizer's state when this model is compiled and the file has it), a sharded ".weights.json",
    /// ".safetensors", or a legacy ".h5"/".hdf5" weights file (Keras 2 and tf.keras <c>save_weights</c>, the ImageNet
    /// weights of <c>keras.applications</c>), whose layers with weights are taken in order as Keras takes them. By
    /// default every weight of the model must be in the file with its shape, and nothing else; otherwise the error
    /// lists the missing, unexpected and mismatched ones and no weight is changed.
    /// </summary>
    /// <param name="path">The weights file; its extension names the format.</param>
    /// <param name="skipMismatch">Keras's <c>skip_mismatch</c>: a layer whose weights the file lacks, or holds with another
    /// count or shape, keeps the weights it has (a warning on standard error names it) and the others load; the file's
    /// extra entries are ignored. For transfer learning: a pretrained file into a model with a new head.</param>
    /// <param name="byName">Keras's <c>by_name</c>, for legacy ".h5"/".hdf5" files only: each layer takes the file's layer
    /// of the same name; layers the file does not name keep their weights (warned), the file's other layers are ignored.</param>
    /// <returns>Which layers loaded, which kept their weights and why, and what in the file no layer took. A load that
    /// would take nothing from the file is refused.</returns>
    public WeightsLoadReport LoadWeights(string path, bool skipMismatch = false, bool byName = false)
    {
        if (AddedFormat(path) is not { } added) return ModelFiles.Formats.LoadWeights(this, path, skipMismatch, byName);
        if (skipMismatch || byName)
            throw new ArgumentException($"LoadWeights: skipMismatch and byName apply to Nabla's own weights formats, not to '{path}' (a format added with ModelFiles.Add).");
        added.LoadWeights(this, path);
        return WeightsLoadReport.All(this);
    }

    /// <summary>
    /// Saves architecture, weights, compile configuration and optimizer state (Keras's <c>model.save</c>),
    /// atomically, as the extension says: ".keras" (Keras 3's archive), ".h5" (the legacy HDF5 model file) or
    /// "model.json" (a TensorFlow.js layers model, with its ".bin" shard beside it); or a format added with
    /// <see cref="ModelFiles.Add"/> for the path's extension.
    /// </summary>
    public void Save(string path)
    {
        if (AddedFormat(path) is { } added) added.Save(this, path);
        else ModelFiles.Formats.Save(this, path);
    }

    /// <summary>
    /// Restores a saved model (Keras's <c>keras.saving.load_model</c>): ".keras" archives from Keras 3.0 on and
    /// Nabla's own, legacy ".h5" files (Keras 2, tf.keras, Keras 3), and TensorFlow.js "model.json". The
    /// architecture, the weights and, when it was compiled, the optimizer (with its state, so training continues
    /// where it stopped), loss and metrics.
    /// </summary>
    public static Model Load(string path) => AddedFormat(path) is { } added ? added.Load(path) : ModelFiles.Formats.Load(path);

    /// <summary>The format a user added for this path's extension (<see cref="ModelFiles.Add"/>), or null.</summary>
    private static IModelFileFormat? AddedFormat(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ModelFiles.AddedFor(path);
    }

    /// <summary>The formats <see cref="Export"/> writes.</summary>
    public static IReadOnlyList<string> ExportFormats => ModelFiles.Formats.ExportFormats;

    /// <summary>
    /// Writes the model for inference outside Nabla, as Keras 3's <c>model.export(filepath, format=...)</c>.
    /// "onnx": an ONNX file. The model must be built; unsupported layers throw before anything is written, and
    /// the file is written atomically.
    /// </summary>
    public void Export(string path, string format = "onnx") => ModelFiles.Formats.Export(this, path, format);
}
