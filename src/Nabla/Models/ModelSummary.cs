using System.Globalization;
using System.Text;
using Nabla.Layers;

namespace Nabla;

public partial class Model
{
    /// <summary>Keras's <c>model.summary()</c> table: each layer's output shape and parameter count.
    /// Prints it and returns it.</summary>
    public string Summary(TextWriter? output = null)
    {
        const int nameWidth = 29, shapeWidth = 26, paramsWidth = 10;
        string rule = new('_', nameWidth + shapeWidth + paramsWidth);
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(rule);
        sb.AppendLine(" Layer (type)".PadRight(nameWidth) + "Output Shape".PadRight(shapeWidth) + "Param #");
        sb.AppendLine(new string('=', rule.Length));
        foreach (var layer in layers)
        {
            string shape = layer.OutputShape is null ? "?" : Layer.Describe(layer.OutputShape);
            sb.Append($" {layer.Name} ({layer.ClassName})".PadRight(nameWidth))
              .Append(shape.PadRight(shapeWidth))
              .AppendLine(layer.CountParams().ToString(CultureInfo.InvariantCulture));
        }
        sb.AppendLine(new string('=', rule.Length));
        int trainable = TrainableWeights.Sum(w => w.Size);
        int total = CountParams();
        sb.AppendLine($"Total params: {total.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Trainable params: {trainable.ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine($"Non-trainable params: {(total - trainable).ToString("N0", CultureInfo.InvariantCulture)}");
        sb.AppendLine(rule);
        string text = sb.ToString();
        (output ?? Console.Out).Write(text);
        return text;
    }
}
