using Microsoft.ML.OnnxRuntime;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>Runs an exported model in ONNX Runtime and compares it with Nabla's Predict.</summary>
internal static class OnnxRuntimeCheck
{
    /// <summary>ONNX Runtime's output for x (float, any rank, first axis the batch).</summary>
    public static float[] Run(byte[] onnx, Tensor x)
    {
        using var session = new InferenceSession(onnx);
        using var input = OrtValue.CreateTensorValueFromMemory(x.Data, x.Shape.Select(d => (long)d).ToArray());
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input"], [input], ["output"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>Random inputs in [low, high) of shape [batch, ...perSample].</summary>
    public static Tensor Inputs(int seed, int batch, int[] perSample, float low = -3f, float high = 3f)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor([batch, .. perSample]);
        for (int i = 0; i < x.Size; i++) x.Data[i] = low + (high - low) * (float)rng.NextDouble();
        return x;
    }

    /// <summary>Exports the model, runs ONNX Runtime at batch 1 and 7, and asserts every output is within
    /// 1e-5 of Predict's, absolute or relative (the GEMMs sum in different orders).</summary>
    public static void AssertMatchesPredict(Model model, int seed = 1, float low = -3f, float high = 3f) =>
        AssertMatchesPredict(model, batch => Inputs(seed + batch, batch, model.InputShape!, low, high));

    /// <summary>As above, on the inputs <paramref name="inputs"/> makes for each batch size.</summary>
    public static void AssertMatchesPredict(Model model, Func<int, Tensor> inputs)
    {
        byte[] onnx = OnnxExport.ToBytes(model);
        foreach (int batch in new[] { 1, 7 })
        {
            var x = inputs(batch);
            var expected = model.Predict(x, batchSize: batch).Data;
            var actual = Run(onnx, x);
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                double diff = Math.Abs(expected[i] - actual[i]);
                Assert.True(diff <= 1e-5 || diff <= 1e-5 * Math.Abs(expected[i]),
                    $"batch {batch}, output {i}: Nabla {expected[i]:R}, ONNX Runtime {actual[i]:R} (diff {diff:G3})");
            }
        }
    }
}
