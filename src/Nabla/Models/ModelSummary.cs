using System.Globalization;
using System.Text;
using Nabla.Layers;

namespace Nabla;

public abstract partial class Model
{
    /// <summary>Keras's <c>model.summary()</c> table: each layer's output shape and parameter count.
    /// Prints it and returns it.</summary>
    public string Summary(TextWriter? output = null)
    {
        // Keras 2's widths (line length 65), widened to the longest cell so that columns never run together.
        var rows = layers.Select(layer => (
            Name: $" {layer.Name} ({layer.ClassName})",
            Shape: layer.OutputShape is null ? "?" : Layer.Describe(layer.OutputShape),
            Params: layer.IsBuilt ? layer.CountParams().ToString(CultureInfo.InvariantCulture) : "0 (unbuilt)")).ToList();
        int nameWidth = Math.Max(29, rows.Select(r => r.Name.Length + 2).DefaultIfEmpty(0).Max());
        int shapeWidth = Math.Max(26, rows.Select(r => r.Shape.Length + 2).DefaultIfEmpty(0).Max());
        int paramsWidth = Math.Max(10, rows.Select(r => r.Params.Length).DefaultIfEmpty(0).Max());
        string rule = new('_', nameWidth + shapeWidth + paramsWidth);
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(rule);
        sb.AppendLine(" Layer (type)".PadRight(nameWidth) + "Output Shape".PadRight(shapeWidth) + "Param #");
        sb.AppendLine(new string('=', rule.Length));
        foreach (var (name, shape, parameters) in rows)
            sb.Append(name.PadRight(nameWidth)).Append(shape.PadRight(shapeWidth)).AppendLine(parameters);
        sb.AppendLine(new string('=', rule.Length));
        int trainable = TrainableWeights.Sum(w => w.Size);
        int total = CountParams();
        sb.AppendLine($"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Trainable params: {trainable.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Non-trainable params: {(total - trainable).ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine(rule);
        if (!IsBuilt)
            sb.AppendLine($"Model '{Name}' is not built yet, so shapes and parameters are unknown: give the first layer an " +
                          "inputShape, call Build, or Fit it first.");
        string text = sb.ToString();
        (output ?? Console.Out).Write(text);
        return text;
    }
}
