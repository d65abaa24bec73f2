using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// tf.keras 2's TFOpLambda layers, as tf.keras writes them (keras/engine/node.py, Node.serialize: the first argument as the
/// entry, the others by keyword, tensors as [layer, node, tensor] triples; a layer that keeps its first argument's
/// structure writes the entry as the node itself): the functions computed as TensorFlow computes them, constants and
/// tensors as second operands, a list first argument (concat), gradients through them, and the configs Nabla writes back.
/// </summary>
public class TFOpLambdaTests
{
    private const string Functional = """
        {"class_name": "Functional", "config": {"name": "model", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "dtype": "float32", "name": "input_1"}, "name": "input_1", "inbound_nodes": []},
          {"class_name": "Dense", "config": {"name": "dense", "units": 3, "activation": "linear"}, "name": "dense", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.math.multiply", "trainable": true, "dtype": "float32", "function": "math.multiply"},
           "name": "tf.math.multiply", "inbound_nodes": [["dense", 0, 0, {"y": 0.5, "name": null}]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.__operators__.add", "trainable": true, "dtype": "float32", "function": "__operators__.add"},
           "name": "tf.__operators__.add", "inbound_nodes": [["tf.math.multiply", 0, 0, {"y": ["dense", 0, 0], "name": null}]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.expand_dims", "trainable": true, "dtype": "float32", "function": "expand_dims"},
           "name": "tf.expand_dims", "inbound_nodes": [["tf.__operators__.add", 0, 0, {"axis": 1}]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.expand_dims_1", "trainable": true, "dtype": "float32", "function": "expand_dims"},
           "name": "tf.expand_dims_1", "inbound_nodes": [["dense", 0, 0, {"axis": 1}]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.concat", "trainable": true, "dtype": "float32", "function": "concat"},
           "name": "tf.concat", "inbound_nodes": [[["tf.expand_dims", 0, 0, {"axis": 1, "name": "concat"}], ["tf.expand_dims_1", 0, 0, {"axis": 1, "name": "concat"}]]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.math.reduce_mean", "trainable": true, "dtype": "float32", "function": "math.reduce_mean"},
           "name": "tf.math.reduce_mean", "inbound_nodes": [["tf.concat", 0, 0, {"axis": 1, "keepdims": false}]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.math.subtract", "trainable": true, "dtype": "float32", "function": "math.subtract"},
           "name": "tf.math.subtract", "inbound_nodes": [["tf.math.reduce_mean", 0, 0, {"y": [[1.0, 2.0, 3.0]], "name": null}]]},
          {"class_name": "TFOpLambda", "config": {"name": "tf.reshape", "trainable": true, "dtype": "float32", "function": "reshape"},
           "name": "tf.reshape", "inbound_nodes": [["tf.math.subtract", 0, 0, {"shape": [-1, 3, 1], "name": null}]]}
        ],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["tf.reshape", 0, 0]]}}
        """;

    private static Tensor Inputs() => GradientCheck.Random(1, -1, 1, 5, 4);

    /// <summary>The model's math written out: d = x·W + b; mean over {1.5·d, d} = 1.25·d; minus [1, 2, 3]; as [batch, 3, 1].</summary>
    private static float[] Expected(Model model, Tensor x)
    {
        var (w, b) = (model.Layers.OfType<Dense>().Single().Weights[0], model.Layers.OfType<Dense>().Single().Weights[1]);
        var expected = new float[5 * 3];
        for (int s = 0; s < 5; s++)
            for (int u = 0; u < 3; u++)
            {
                float d = b.Data[u];
                for (int f = 0; f < 4; f++) d += x.Data[s * 4 + f] * w.Data[f * 3 + u];
                expected[s * 3 + u] = 1.25f * d - (u + 1);
            }
        return expected;
    }

    [Fact]
    public void ATfKeras2ModelWithTensorFlowFunctionsComputesThem()
    {
        var model = KerasModelJson.FromJson(Functional);
        Assert.Equal([3, 1], model.OutputShape!);
        // Each layer's output shape is its call's (the summary prints them): expand_dims adds an axis, concat joins two.
        Assert.Equal([[1, 3], [2, 3], [3]], new[] { "tf.expand_dims", "tf.concat", "tf.math.reduce_mean" }
            .Select(name => model.Layers.Single(l => l.Name == name).OutputShape!));
        var x = Inputs();
        var y = model.Predict(x);
        var expected = Expected(model, x);
        // A tolerance, not rounding to 5 decimals: two floats 1e-7 apart can round to different 5th decimals.
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], y.Data[i], 1e-5);
    }

    [Fact]
    public void TheConfigNablaWritesReadsBackToTheSameModel()
    {
        var model = KerasModelJson.FromJson(Functional);
        var json = KerasModelJson.ToJson(model);
        Assert.Contains("\"function\":\"math.multiply\"", json.Replace(" ", ""));
        var rebuilt = KerasModelJson.FromJson(json);
        rebuilt.SetWeights(model.GetWeights());
        Assert.Equal(model.Predict(Inputs()).Data, rebuilt.Predict(Inputs()).Data);
        Assert.Equal(json, KerasModelJson.ToJson(rebuilt));
    }

    [Fact]
    public void GradientsFlowThroughTheFunctions()
    {
        var model = KerasModelJson.FromJson(Functional);
        var x = Inputs();
        var target = new Tensor(5, 3, 1);
        GradientCheck.Check(t => Tensor.Mean(Tensor.Multiply(Tensor.Subtract(model.Call(t[0], training: true), target),
            Tensor.Subtract(model.Call(t[0], training: true), target))), [x, .. model.TrainableWeights]);
    }

    [Fact]
    public void AFunctionNablaDoesNotComputeIsRefusedByName()
    {
        var error = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "TFOpLambda", "config": {"name": "op", "function": "io.read_file"}}""")));
        Assert.Contains("TFOpLambda 'op' calls tf.io.read_file, which Nabla does not compute; supported: __operators__.add", error.Message);
        var softmax = Functional.Replace("\"function\": \"math.reduce_mean\"", "\"function\": \"nn.softmax\"")
            .Replace("{\"axis\": 1, \"keepdims\": false}", "{\"axis\": 1}");
        Assert.Contains("Nabla computes the softmax over the last axis only",
            Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(softmax)).Message);
    }

    [Fact]
    public void AConstantFirstArgumentAndAnUnknownKeywordAreRefusedByName()
    {
        var constantFirst = Functional.Replace("""[["dense", 0, 0, {"y": 0.5, "name": null}]]""",
            """[["_CONSTANT_VALUE", -1, 0.5, {"y": ["dense", 0, 0], "name": null}]]""");
        Assert.Contains("constant first argument", Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(constantFirst)).Message);
        var unknown = Functional.Replace("""{"axis": 1, "keepdims": false}""", """{"axis": 1, "keepdims": false, "where": true}""");
        Assert.Contains("call argument 'where' of layer \"tf.math.reduce_mean\" (TFOpLambda) is not supported",
            Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(unknown)).Message);
    }
}

/// <summary>tf.keras's SlicingOpLambda (<c>x[...]</c>, keras/layers/core/tf_op_layer.py: slices written as
/// {"start", "stop", "step"}, tf.keras's json_utils writing Ellipsis as {"class_name": "__ellipsis__"}), read as NumPy
/// reads the same index.</summary>
public class SlicingOpLambdaTests
{
    private const string Full = """{"start": null, "stop": null, "step": null}""";

    private static Tensor Sliced(string spec, int[] inputShape) => SlicingModel(spec, inputShape).Predict(Ramp(inputShape));

    private static Tensor Ramp(int[] inputShape) =>
        Tensor.FromArray([.. Enumerable.Range(0, 2 * inputShape.Aggregate(1, (a, b) => a * b)).Select(i => (float)i)], [2, .. inputShape]);

    [Fact]
    public void TheConfigNablaWritesKeepsTheSliceSpec()
    {
        var model = SlicingModel("""[{"class_name": "__ellipsis__"}, {"start": 1, "stop": null, "step": null}]""", [3, 4]);
        var json = KerasModelJson.ToJson(model);
        Assert.Contains("\"class_name\":\"SlicingOpLambda\"", json.Replace(" ", ""));
        Assert.Equal(model.Predict(Ramp([3, 4])).Data, KerasModelJson.FromJson(json).Predict(Ramp([3, 4])).Data);
    }

    private static Model SlicingModel(string spec, int[] inputShape)
    {
        string json = """
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, SHAPE], "name": "x"}, "name": "x", "inbound_nodes": []},
              {"class_name": "SlicingOpLambda", "config": {"name": "tf.__operators__.getitem", "trainable": true, "dtype": "float32", "function": "__operators__.getitem"},
               "name": "tf.__operators__.getitem", "inbound_nodes": [["x", 0, 0, {"slice_spec": SPEC}]]}],
             "input_layers": [["x", 0, 0]], "output_layers": [["tf.__operators__.getitem", 0, 0]]}}
            """.Replace("SHAPE", string.Join(", ", inputShape)).Replace("SPEC", spec);
        return KerasModelJson.FromJson(json);
    }

    [Fact]
    public void IndicesSlicesEllipsisAndNewAxisReadAsNumPyReadsThem()
    {
        // x is 0..23 as [2, 3, 4]: x[:, 0] = [[0, 1, 2, 3], [12, 13, 14, 15]].
        Assert.Equal([0f, 1, 2, 3, 12, 13, 14, 15], Sliced($"[{Full}, 0]", [3, 4]).Data);
        // x[:, -1, 1:3] = [[9, 10], [21, 22]]
        Assert.Equal([9f, 10, 21, 22], Sliced($$"""[{{Full}}, -1, {"start": 1, "stop": 3, "step": null}]""", [3, 4]).Data);
        // x[..., 0] = [[0, 4, 8], [12, 16, 20]]
        var last = Sliced("""[{"class_name": "__ellipsis__"}, 0]""", [3, 4]);
        Assert.Equal([2, 3], last.Shape);
        Assert.Equal([0f, 4, 8, 12, 16, 20], last.Data);
        // x[:, None]: a new axis of one
        Assert.Equal([2, 1, 3, 4], Sliced($"[{Full}, null]", [3, 4]).Shape);
        // x[:, -2:] keeps the last two rows
        Assert.Equal([2, 2, 4], Sliced("""[{"start": null, "stop": null, "step": null}, {"start": -2, "stop": null, "step": null}]""", [3, 4]).Shape);
    }

    [Theory]
    [InlineData("0", "an index on the batch axis drops it")]
    [InlineData("""[{"start": null, "stop": null, "step": null}, {"start": null, "stop": null, "step": 2}]""", "step 2 on axis 1; Nabla slices with step 1 only")]
    public void WhatNablaDoesNotSliceIsRefusedByName(string spec, string message) =>
        Assert.Contains(message, Assert.Throws<ArgumentException>(() => Sliced(spec, [3, 4])).Message);
}
