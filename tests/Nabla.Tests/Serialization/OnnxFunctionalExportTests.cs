using Microsoft.ML.OnnxRuntime;
using Nabla.Layers;
using Nabla.Serialization.Onnx;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization;

/// <summary>ONNX export of functional graphs (branches, merges, shared layers, nested models, several inputs and
/// outputs), each run in ONNX Runtime and compared with Predict.</summary>
public class OnnxFunctionalExportTests
{
    /// <summary>Runs the exported model in ONNX Runtime on inputs named as in the file; outputs in the model's order.</summary>
    private static float[][] Run(Model model, Tensor[] x)
    {
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        string[] inputNames = model.InputCount == 1 ? ["input"] : [.. model.InputNames];
        string[] outputNames = model.OutputCount == 1 ? ["output"] : [.. model.OutputNames];
        Assert.Equal(inputNames.Order(), session.InputMetadata.Keys.Order());
        var values = x.Select(t => OrtValue.CreateTensorValueFromMemory(t.Data, t.Shape.Select(d => (long)d).ToArray())).ToArray();
        try
        {
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, inputNames, values, outputNames);
            return outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
        }
        finally
        {
            foreach (var v in values) v.Dispose();
        }
    }

    /// <summary>Every output of ONNX Runtime within 1e-5 of Predict's (absolute or relative), at batch 1 and 7.</summary>
    private static void AssertMatchesPredict(Model model)
    {
        foreach (int batch in new[] { 1, 7 })
        {
            var x = model.InputShapes!.Select((shape, i) => OnnxRuntimeCheck.Inputs(batch * 10 + i, batch, shape)).ToArray();
            var expected = model.Predict(x, batchSize: batch);
            var actual = Run(model, x);
            Assert.Equal(expected.Length, actual.Length);
            for (int o = 0; o < expected.Length; o++)
            {
                Assert.Equal(expected[o].Size, actual[o].Length);
                for (int i = 0; i < actual[o].Length; i++)
                {
                    double diff = Math.Abs(expected[o].Data[i] - actual[o][i]);
                    Assert.True(diff <= 1e-5 || diff <= 1e-5 * Math.Abs(expected[o].Data[i]),
                        $"batch {batch}, output {o} element {i}: Nabla {expected[o].Data[i]:R}, ONNX Runtime {actual[o][i]:R}");
                }
            }
        }
    }

    [Fact]
    public void KerasSeq2SeqTrainingAndSamplingModelsExportWithTheirStatesAndRunAsPredicts()
    {
        Utils.SetRandomSeed(21);
        var encoderInputs = new Input([6, 3]);
        var encoded = new LSTM(5, returnState: true, name: "encoder").ApplyAll(encoderInputs);
        var decoderInputs = new Input([6, 4]);
        var decoder = new LSTM(5, returnSequences: true, returnState: true, goBackwards: true, name: "decoder");
        var dense = new Dense(4, activation: "softmax", name: "head");
        var training = new Model([encoderInputs, decoderInputs], dense.Apply(decoder.ApplyAll(decoderInputs, [encoded[1], encoded[2]])[0]));
        AssertMatchesPredict(training);

        // The sampling decoder: one step from given states, returning the next states as outputs "decoder", "decoder_1".
        var (token, h, c) = (new Input([1, 4]), new Input([5]), new Input([5]));
        var stepped = decoder.ApplyAll(token, [h, c]);
        var sampling = new Model([token, h, c], [dense.Apply(stepped[0]), stepped[1], stepped[2]]);
        Assert.Equal(["head", "decoder", "decoder_1"], sampling.OutputNames);
        AssertMatchesPredict(sampling);

        var gruIn = new Input([4, 3]);
        var gruStates = new GRU(4, returnState: true, resetAfter: false).ApplyAll(gruIn);
        AssertMatchesPredict(new Model(gruIn, [gruStates[0], gruStates[1]]));
    }

    [Fact]
    public void AResidualMlpExportsAndRunsAsPredicts()
    {
        Utils.SetRandomSeed(1);
        var inputs = new Input([12]);
        var h1 = new Dense(16, activation: "relu").Apply(inputs);
        var h2 = new Dense(16, activation: "tanh").Apply(h1);
        var outputs = new Dense(4, activation: "softmax").Apply(new Add().Apply(h1, h2));
        AssertMatchesPredict(new Model(inputs, outputs, name: "residual_mlp"));
    }

    [Fact]
    public void EveryElementwiseMergeAndConcatenateWithTwoInputsAndTwoOutputsExport()
    {
        Utils.SetRandomSeed(2);
        var a = new Input([3, 5], name: "a");
        var b = new Input([5], name: "b"); // lower rank: Keras inserts the axis after the batch axis
        var ha = new Dense(5, activation: "sigmoid").Apply(a);
        var hb = new Dense(5).Apply(b);
        var merged = new Concatenate(axis: -1).Apply(
            new Add().Apply(ha, hb), new Subtract().Apply(ha, hb), new Multiply().Apply(ha, hb, a),
            new Average().Apply(a, ha, hb), new Maximum().Apply(ha, hb), new Minimum().Apply(a, hb));
        var first = new Dense(2, name: "first").Apply(new Flatten().Apply(merged));
        var second = new Concatenate(axis: 1, name: "second").Apply(a, ha);
        AssertMatchesPredict(new Model([a, b], [first, second]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void DotOfAnyRankExports(bool normalize)
    {
        Utils.SetRandomSeed(3);
        var left = new Input([3, 4], name: "left");
        var right = new Input([4, 2], name: "right");
        var matrices = new Dot([2, 1], normalize).Apply(new Dense(4).Apply(left), right);   // (None, 3, 2)
        var columns = new Dot(1, normalize).Apply(left, new Dense(4).Apply(left));         // (None, 4, 4)
        var vectors = new Dot(-1, normalize).Apply(new Flatten().Apply(matrices), new Dense(6).Apply(new Flatten().Apply(right)));
        AssertMatchesPredict(new Model([left, right], [matrices, columns, vectors]));
    }

    [Fact]
    public void SharedLayersAndNestedModelsExport()
    {
        Utils.SetRandomSeed(4);
        var innerInput = new Input([6]);
        var encoder = new Model(innerInput, new Dense(4, activation: "tanh").Apply(new Dense(5, activation: "relu").Apply(innerInput)), name: "encoder");
        var block = new Sequential(new Dense(4, activation: "elu"), new Dense(3));
        var a = new Input([6], name: "a");
        var b = new Input([6], name: "b");
        var shared = new Dense(6, activation: "relu", name: "shared");
        var ea = encoder.Apply(shared.Apply(a));
        var eb = encoder.Apply(shared.Apply(b));
        var model = new Model([a, b], block.Apply(new Concatenate().Apply(ea, eb)));
        AssertMatchesPredict(model);
        // Each weight is written once, however many times its layer is called.
        var proto = OnnxExport.BuildProto(model);
        Assert.Equal(model.Weights.Count, proto.Graph.Initializer.Count(i => i.Name.EndsWith("kernel") || i.Name.EndsWith("bias")));
    }

    private sealed class Subclassed : Model
    {
        private readonly Dense dense = new(2);

        public Subclassed() : base("subclassed_for_onnx") { }

        public override Tensor Call(Tensor inputs, bool training = false) => dense.Call(inputs, training);
    }

    [Fact]
    public void ASubclassedModelOrALambdaIsRefusedByNameAndNoFileIsLeft()
    {
        var model = new Subclassed();
        model.Build([3]);
        using var folder = new TempFolder();
        string path = folder.File("subclassed.onnx");
        var e = Assert.Throws<NotSupportedException>(() => model.Export(path));
        Assert.Contains("'subclassed_for_onnx'", e.Message);
        Assert.Contains("subclassed", e.Message);
        Assert.False(File.Exists(path));

        var input = new Input([3]);
        var lambda = new Model(input, new Lambda(x => x * 2f, name: "double_it").Apply(new Dense(3).Apply(input)));
        e = Assert.Throws<NotSupportedException>(() => lambda.Export(folder.File("lambda.onnx")));
        Assert.Contains("'double_it' (Lambda)", e.Message);
        Assert.Contains("Dot", e.Message);
    }
}
