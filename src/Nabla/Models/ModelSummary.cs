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
        bool connected = graph is not null;
        // Keras 2's widths (line length 65), widened to the longest cell so that columns never run together.
        var rows = Layers.Select(layer => (
            Layer: layer,
            Name: $" {layer.Name} ({layer.ClassName})",
            Shape: ShapeCell(layer),
            Params: layer.IsBuilt ? layer.CountParams().ToString(CultureInfo.InvariantCulture) : "0 (unbuilt)")).ToList();
        int nameWidth = Math.Max(29, rows.Select(r => r.Name.Length + 2).DefaultIfEmpty(0).Max());
        int shapeWidth = Math.Max(26, rows.Select(r => r.Shape.Length + 2).DefaultIfEmpty(0).Max());
        int paramsWidth = Math.Max(10, rows.Select(r => r.Params.Length + (connected ? 2 : 0)).DefaultIfEmpty(0).Max());
        const int connectedWidth = 26;
        string rule = new('_', nameWidth + shapeWidth + paramsWidth + (connected ? connectedWidth : 0));
        var sb = new StringBuilder();
        sb.AppendLine($"Model: \"{Name}\"");
        sb.AppendLine(rule);
        sb.Append(" Layer (type)".PadRight(nameWidth) + "Output Shape".PadRight(shapeWidth));
        sb.AppendLine(connected ? "Param #".PadRight(paramsWidth) + "Connected to" : "Param #");
        sb.AppendLine(new string('=', rule.Length));
        foreach (var (layer, name, shape, parameters) in rows)
        {
            sb.Append(name.PadRight(nameWidth)).Append(shape.PadRight(shapeWidth));
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
        if (!IsBuilt)
            sb.AppendLine($"Model '{Name}' is not built yet, so shapes and parameters are unknown: give the first layer an " +
                          "inputShape, call Build, or Fit it first.");
        string text = sb.ToString();
        (output ?? Console.Out).Write(text);
        return text;
    }

    /// <summary>The tensors a layer reads in this model, as Keras writes them: <c>layer[node][tensor]</c>.</summary>
    private List<string> ConnectedTo(Layer layer)
    {
        var modelNodes = new HashSet<Node>(graph!.Nodes, ReferenceEqualityComparer.Instance);
        return layer.InboundNodes.Where(modelNodes.Contains)
            .SelectMany(node => node.Inputs.Select(t => $"{t.Layer.Name}[{t.Node.Index}][{t.Index}]")).ToList();
    }

    /// <summary>A layer's output shape, or the list of its call's shapes when it makes several (Keras prints the list).</summary>
    private static string ShapeCell(Layer layer)
    {
        if (layer.OutputShape is null) return "?";
        var call = layer.InboundNodes.FirstOrDefault(n => n.Outputs.Count > 1);
        return call is null ? Layer.Describe(layer.OutputShape) : $"[{string.Join(", ", call.Outputs.Select(t => Layer.Describe(t.Shape)))}]";
    }
}
