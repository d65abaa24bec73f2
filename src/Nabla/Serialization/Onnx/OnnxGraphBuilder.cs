using Nabla.Configuration;
using System.Buffers.Binary;
using Google.Protobuf;
using Nabla.Serialization.Onnx.Proto;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Builds one ONNX graph: float initializers (raw little-endian data) and nodes, each node's output a fresh
/// value name. The layer mappers only say which operators to chain; naming and encoding live here.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph = new();
    // Each initializer's name and encoded content: a shared layer called twice reuses its weights and constants.
    private readonly Dictionary<string, ByteString> initializers = [];
    private int nextValue;

    public OnnxGraphBuilder(string name) => graph.Name = name;

    /// <summary>Adds a float initializer (a weight or a constant) and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        foreach (int d in shape) tensor.Dims.Add(d);
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        tensor.RawData = ByteString.CopyFrom(bytes);
        return Add(name, tensor);
    }

    /// <summary>Adds an int64 initializer (shapes and pads that operators take as inputs) and returns its name.</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> values)
    {
        var tensor = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        foreach (long v in values) tensor.Int64Data.Add(v);
        return Add(name, tensor);
    }

    /// <summary>Adds the initializer under <paramref name="name"/>; the same content under that name is reused, other
    /// content gets a fresh name (a nested model may have layers named as its host's).</summary>
    private string Add(string name, TensorProto tensor)
    {
        tensor.Name = "";
        var content = tensor.ToByteString();
        string unique = name;
        for (int k = 1; initializers.TryGetValue(unique, out var existing); k++)
        {
            if (existing.Equals(content)) return unique;
            unique = $"{name}_{k}";
        }
        initializers[unique] = content;
        tensor.Name = unique;
        graph.Initializer.Add(tensor);
        return unique;
    }

    /// <summary>A weight tensor as an initializer under its Nabla name (e.g. "dense/kernel").</summary>
    public string Weight(Tensor weight) =>
        Initializer(weight.Name ?? throw new InvalidOperationException("ONNX export: a weight has no name."), weight.Shape, weight.Data);

    /// <summary>A scalar constant (rank 0, broadcasts everywhere), named <paramref name="name"/>.</summary>
    public string Scalar(string name, float value) => Initializer(name, [], [value]);

    /// <summary>Appends a node and returns the name of its (single) output.</summary>
    public string Node(string opType, string nodeName, IEnumerable<string> inputs, params AttributeProto[] attributes) =>
        Nodes(opType, nodeName, inputs, 1, attributes)[0];

    /// <summary>Appends a node with <paramref name="outputs"/> outputs (its first ones, in the operator's order) and returns
    /// their names. An empty input name leaves an optional input out, as ONNX reads it.</summary>
    public string[] Nodes(string opType, string nodeName, IEnumerable<string> inputs, int outputs, params AttributeProto[] attributes)
    {
        var names = new string[outputs];
        for (int i = 0; i < outputs; i++) names[i] = $"{nodeName}:{nextValue++}";
        var node = new NodeProto { OpType = opType, Name = $"{nodeName}/{opType}_{graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(names);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return names;
    }

    public static AttributeProto Float(string name, double value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Text(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8(value) };

    /// <summary>Declares the graph's inputs and outputs (float, first axis the symbolic "batch") and returns
    /// the graph. <paramref name="values"/> are the values that become the outputs: a single output renames the last
    /// node's output when that node made it; otherwise each output is an Identity of its value.</summary>
    public GraphProto Finish(IReadOnlyList<string> inputs, IReadOnlyList<int[]> inputShapes, IReadOnlyList<string> values,
        IReadOnlyList<string> outputs, IReadOnlyList<int[]> outputShapes)
    {
        if (outputs.Count == 1 && graph.Node.Count > 0 && graph.Node[^1].Output[0] == values[0]) graph.Node[^1].Output[0] = outputs[0];
        else
            for (int i = 0; i < outputs.Count; i++)
                graph.Node.Add(new NodeProto { OpType = "Identity", Name = $"{outputs[i]}/Identity", Input = { values[i] }, Output = { outputs[i] } });
        for (int i = 0; i < inputs.Count; i++) graph.Input.Add(ValueInfo(inputs[i], inputShapes[i]));
        for (int i = 0; i < outputs.Count; i++) graph.Output.Add(ValueInfo(outputs[i], outputShapes[i]));
        return graph;
    }

    private static ValueInfoProto ValueInfo(string name, int[] perSampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        // An axis the data decides (Keras's None) gets a named dimension, as the batch does.
        for (int i = 0; i < perSampleShape.Length; i++)
            shape.Dim.Add(perSampleShape[i] == Layers.Layer.UnknownDimension
                ? new TensorShapeProto.Types.Dimension { DimParam = $"{name}_axis{i + 1}" }
                : new TensorShapeProto.Types.Dimension { DimValue = perSampleShape[i] });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
