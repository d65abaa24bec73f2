using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>ConvLSTM's dropout as Keras's cell (keras/src/layers/rnn/dropout_rnn_cell.py, conv_lstm.py): in training only,
/// four masks (one per gate) drawn once per call and shared by every step; a seed makes them reproducible.</summary>
public class ConvLstmDropoutTests
{
    [Fact]
    public void InputDropoutMasksAreSharedByEveryStepAndOffInInference()
    {
        // With no recurrent product and a closed forget gate, h_t depends on x_t alone; identical frames then give
        // identical outputs at every step only if each step reads the same dropped copy.
        var layer = new ConvLSTM2D(3, 1, returnSequences: true, dropout: 0.5, seed: 3);
        var frame = GradientCheck.Random(1, 0.5, 1.5, 2, 1, 4, 4, 2);
        var x = Tensor.Concat([frame, frame, frame], axis: 1);
        layer.Build(x.Shape[1..]);
        Array.Clear(layer.RecurrentKernel.Data);
        layer.Bias!.Data.AsSpan(3, 3).Fill(-100f);
        var trained = layer.Call(x, training: true).Data;
        int perStep = 4 * 4 * 3;
        for (int b = 0; b < 2; b++)
            for (int t = 1; t < 3; t++)
                Assert.Equal(trained.AsSpan((b * 3) * perStep, perStep).ToArray(), trained.AsSpan((b * 3 + t) * perStep, perStep).ToArray());

        var plain = new ConvLSTM2D(3, 1, returnSequences: true);
        plain.Build(x.Shape[1..]);
        layer.Kernel.Data.CopyTo(plain.Kernel.Data);
        Array.Clear(plain.RecurrentKernel.Data);
        layer.Bias!.Data.CopyTo(plain.Bias!.Data);
        var inference = layer.Call(x, training: false).Data;
        Assert.Equal(plain.Call(x, training: false).Data, inference);
        Assert.NotEqual(inference, trained);
    }

    [Fact]
    public void SeededDropoutRepeatsAndRecurrentDropoutActsInTrainingOnly()
    {
        var x = GradientCheck.Random(2, -1, 1, 2, 3, 5, 5, 1);
        float[] Run(bool training)
        {
            Utils.SetRandomSeed(5);
            var layer = new ConvLSTM2D(2, 3, padding: "same", dropout: 0.3, recurrentDropout: 0.4, seed: 9);
            return layer.Call(x, training).Data;
        }
        Assert.Equal(Run(true), Run(true));
        Assert.NotEqual(Run(false), Run(true));
        Assert.All(Run(true), v => Assert.True(float.IsFinite(v)));
    }
}
