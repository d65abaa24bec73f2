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
    private readonly HashSet<string> initializerNames = [];
    private int nextValue;

    public OnnxGraphBuilder(string name) => graph.Name = name;

    /// <summary>Adds a float initializer (a weight or a constant) and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values)
    {
        if (!initializerNames.Add(name))
            throw new InvalidOperationException($"ONNX export: two initializers are named '{name}'.");
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        var tensor = new TensorProto
        {
            Name = name,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(bytes),
        };
        foreach (int d in shape) tensor.Dims.Add(d);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Adds an int64 initializer (shapes and pads that operators take as inputs) and returns its name.</summary>
    public string Int64Initializer(string name, ReadOnlySpan<long> values)
    {
        if (!initializerNames.Add(name))
            throw new InvalidOperationException($"ONNX export: two initializers are named '{name}'.");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        foreach (long v in values) tensor.Int64Data.Add(v);
        graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A weight tensor as an initializer under its Nabla name (e.g. "dense/kernel").</summary>
    public string Weight(Tensor weight) =>
        Initializer(weight.Name ?? throw new InvalidOperationException("ONNX export: a weight has no name."), weight.Shape, weight.Data);

    /// <summary>A scalar constant (rank 0, broadcasts everywhere), named <paramref name="name"/>.</summary>
    public string Scalar(string name, float value) => Initializer(name, [], [value]);

    /// <summary>Appends a node and returns the name of its (single) output.</summary>
    public string Node(string opType, string nodeName, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string output = $"{nodeName}:{nextValue++}";
        var node = new NodeProto { OpType = opType, Name = $"{nodeName}/{opType}_{graph.Node.Count}" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return output;
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

    /// <summary>Declares the graph's input and output (float, first axis the symbolic "batch") and returns
    /// the graph. <paramref name="last"/> is the value that becomes the output: the last node's output is
    /// renamed, or an Identity node is added when no node produced it (a model of identity layers).</summary>
    public GraphProto Finish(string input, int[] inputShape, string last, string output, int[] outputShape)
    {
        if (graph.Node.Count > 0 && graph.Node[^1].Output[0] == last) graph.Node[^1].Output[0] = output;
        else graph.Node.Add(new NodeProto { OpType = "Identity", Name = "output/Identity", Input = { last }, Output = { output } });
        graph.Input.Add(ValueInfo(input, inputShape));
        graph.Output.Add(ValueInfo(output, outputShape));
        return graph;
    }

    private static ValueInfoProto ValueInfo(string name, int[] perSampleShape)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (int d in perSampleShape) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
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
