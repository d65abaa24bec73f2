using System.Globalization;

namespace Nabla.Tests.Doctor;

/// <summary>Convolutional layers and image data for the doctor's tests, in the experiment-file format (see <see cref="DoctorCases"/>).</summary>
internal static class CnnCases
{
    public static string Conv2D(int filters, string activation = "linear", string init = "\"glorot_uniform\"", string bias = "\"zeros\"",
        int[]? inputs = null) =>
        $$$"""{"class_name": "Conv2D", "config": {"filters": {{{filters}}}, "kernel_size": [3, 3], "padding": "same", "activation": "{{{activation}}}", "kernel_initializer": {{{init}}}, "bias_initializer": {{{bias}}}{{{Input(inputs)}}}}}""";

    public static string Layer(string className, string config = "") => $$$"""{"class_name": "{{{className}}}", "config": { {{{config}}} }}""";

    public static string Constant(double value) =>
        $$$"""{"class_name": "Constant", "config": {"value": {{{value.ToString(CultureInfo.InvariantCulture)}}}}}""";

    /// <summary>Synthetic 8×8 one-channel images of three classes (pixels in [0, 1] times <paramref name="scale"/>), one-hot labels.</summary>
    public static string Images(int samples = 600, int seed = 3, double scale = 1) =>
        $$$"""{"synthetic": {"kind": "images", "samples": {{{samples}}}, "height": 8, "width": 8, "channels": 1, "classes": 3, "seed": {{{seed}}}, "scale": {{{scale.ToString(CultureInfo.InvariantCulture)}}}}, "one_hot": true, "validation_split": 0.2}""";

    public static readonly int[] Image = [8, 8, 1];

    private static string Input(int[]? shape) => shape is null ? "" : $", \"batch_input_shape\": [null, {string.Join(", ", shape)}]";
}
