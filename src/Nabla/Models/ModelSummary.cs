using System.Globalization;
using System.Text;
using Nabla.Layers;

namespace Nabla;

public partial class Model
{
    /// <summary>Keras's <c>model.summary()</c> table: each layer's output shape and parameter count and, for a
    /// functional model, the layer calls it is connected to (<c>dense[0][0]</c>: layer, node, tensor).
    /// Prints it and returns it.</summary>
    public string Summary(TextWriter? output = null)
    {
        const int nameWidth = 29, shapeWidth = 26, paramsWidth = 10, connectedWidth = 26;
        bool connected = graph is not null;
        string rule = new('_', nameWidth + shapeWidth + paramsWidth + (connected ? connectedWidth : 0));
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(rule);
        sb.Append(" Layer (type)".PadRight(nameWidth) + "Output Shape".PadRight(shapeWidth));
        sb.AppendLine(connected ? "Param #".PadRight(paramsWidth) + "Connected to" : "Param #");
        sb.AppendLine(new string('=', rule.Length));
        foreach (var layer in Layers)
        {
            string shape = layer.OutputShape is null ? "?" : Layer.Describe(layer.OutputShape);
            string parameters = layer.CountParams().ToString(CultureInfo.InvariantCulture);
            sb.Append($" {layer.Name} ({layer.ClassName})".PadRight(nameWidth)).Append(shape.PadRight(shapeWidth));
            if (!connected)
            {
                sb.AppendLine(parameters);
                continue;
            }
            var sources = ConnectedTo(layer);
            sb.Append(parameters.PadRight(paramsWidth)).AppendLine(sources.Count == 0 ? "-" : sources[0]);
            // Further sources go one per line under the first, as Keras prints them.
            foreach (var source in sources.Skip(1))
                sb.Append(new string(' ', nameWidth + shapeWidth + paramsWidth)).AppendLine(source);
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

    /// <summary>The tensors a layer reads in this model, as Keras writes them: <c>layer[node][tensor]</c>.</summary>
    private List<string> ConnectedTo(Layer layer)
    {
        var modelNodes = new HashSet<Node>(graph!.Nodes, ReferenceEqualityComparer.Instance);
        return layer.InboundNodes.Where(modelNodes.Contains)
            .SelectMany(node => node.Inputs.Select(t => $"{t.Layer.Name}[{t.Node.Index}][0]")).ToList();
    }
}
