namespace Nabla;

public partial class Model
{
    /// <summary>
    /// Saves every weight to a safetensors file (Keras's <c>model.save_weights</c>; the path must end in
    /// ".safetensors"). Tensors are named as Keras 3 addresses layers, by class and position, not by layer
    /// name: "dense/kernel", "dense/bias", "dense_1/kernel"... The file is written atomically.
    /// </summary>
    public void SaveWeights(string path) => ModelFiles.Formats.SaveWeights(this, path);

    /// <summary>
    /// Loads weights saved by <see cref="SaveWeights"/> (Keras's <c>model.load_weights</c>). Every weight
    /// of the model must be in the file with its shape, and nothing else; otherwise the error lists the
    /// missing, unexpected and mismatched names and no weight is changed.
    /// </summary>
    public void LoadWeights(string path) => ModelFiles.Formats.LoadWeights(this, path);

    /// <summary>
    /// Saves architecture, weights, compile configuration and optimizer state (moments, iterations) to a
    /// ".keras" zip (Keras's <c>model.save</c>), atomically.
    /// </summary>
    public void Save(string path) => ModelFiles.Formats.Save(this, path);

    /// <summary>
    /// Restores a model written by <see cref="Save"/> (Keras's <c>keras.saving.load_model</c>): the
    /// architecture, the weights and, when it was compiled, the optimizer (with its moments and iteration
    /// count, so training continues exactly where it stopped), loss and metrics.
    /// </summary>
    public static Model Load(string path) => ModelFiles.Formats.Load(path);

    /// <summary>The formats <see cref="Export"/> writes.</summary>
    public static IReadOnlyList<string> ExportFormats => ModelFiles.Formats.ExportFormats;

    /// <summary>
    /// Writes the model for inference outside Nabla, as Keras 3's <c>model.export(filepath, format=...)</c>.
    /// "onnx": an ONNX file. The model must be built; unsupported layers throw before anything is written, and
    /// the file is written atomically.
    /// </summary>
    public void Export(string path, string format = "onnx") => ModelFiles.Formats.Export(this, path, format);
}
