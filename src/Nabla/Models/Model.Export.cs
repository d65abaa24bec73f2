using Nabla.Serialization.Onnx;

namespace Nabla;

public partial class Model
{
    /// <summary>The formats <see cref="Export"/> writes.</summary>
    public static IReadOnlyList<string> ExportFormats { get; } = ["onnx"];

    /// <summary>
    /// Writes the model for inference outside Nabla, as Keras 3's <c>model.export(filepath, format=...)</c>.
    /// "onnx": an ONNX file (see <see cref="OnnxExport"/>). The model must be built; unsupported layers
    /// throw before anything is written, and the file is written atomically.
    /// </summary>
    public void Export(string path, string format = "onnx")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(format);
        switch (format.ToLowerInvariant())
        {
            case "onnx":
                OnnxExport.Write(this, path);
                break;
            default:
                throw new ArgumentException(
                    $"Export 'format' \"{format}\" is unknown; valid formats: {string.Join(", ", ExportFormats)}.", nameof(format));
        }
    }
}
