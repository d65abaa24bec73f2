using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Models;

/// <summary>
/// A whole model through Nabla's own inference paths (Predict's captured graphs on several threads, Evaluate's loss
/// in batch order) against the same network in torch: Dense → BatchNormalization → Dropout → Dense softmax.
/// </summary>
public class ModelParityTests
{
    private const int Samples = 300, Inputs = 784, Hidden = 128, Classes = 10;

    [Theory]
    [InlineData(32)]
    [InlineData(1024)]
    public void Predict_and_evaluate_match_torch(int batchSize)
    {
        var dense = new Dense(Hidden, "relu", inputShape: [Inputs]);
        var norm = new BatchNormalization();
        var output = new Dense(Classes, "softmax");
        var model = new Sequential(dense, norm, new Dropout(0.5), output);
        model.Build([Inputs]);
        TestData.Assign(dense.Kernel, TestData.Uniform(1, -0.087, 0.087, Inputs, Hidden));
        TestData.Assign(dense.Bias!, TestData.Normal(2, 0.05, Hidden));
        // Trained-looking moving statistics, so that inference does not just pass inputs through.
        TestData.Assign(norm.Weights[0], TestData.Uniform(3, 0.5, 1.5, Hidden));
        TestData.Assign(norm.Weights[1], TestData.Normal(4, 0.2, Hidden));
        TestData.Assign(norm.Weights[2], TestData.Uniform(5, 0.1, 0.6, Hidden));
        TestData.Assign(norm.Weights[3], TestData.Uniform(6, 0.05, 0.3, Hidden));
        TestData.Assign(output.Kernel, TestData.Uniform(7, -0.2, 0.2, Hidden, Classes));
        TestData.Assign(output.Bias!, TestData.Normal(8, 0.05, Classes));
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy");
        var x = TestData.Uniform(9, 0, 1, Samples, Inputs);
        var y = TestData.OneHot(10, Samples, Classes);

        var predictions = model.Predict(x, batchSize);
        double loss = model.Evaluate(x, y, batchSize)["loss"];

        using var scope = torch.NewDisposeScope();
        TorchTensor T(Tensor t) => Parity.ToTorch(t);
        var h = F.relu(F.linear(T(x), WeightLayouts.DenseKernel(dense.Kernel, false), T(dense.Bias!)));
        h = F.batch_norm(h, T(norm.Weights[2]), T(norm.Weights[3]), T(norm.Weights[0]), T(norm.Weights[1]), false, 0.01, 1e-3);
        h = F.dropout(h, 0.5, false);
        var logits = F.linear(h, WeightLayouts.DenseKernel(output.Kernel, false), T(output.Bias!));
        Parity.Compare($"Predict (batch {batchSize})", predictions, F.softmax(logits, -1));
        // Keras's crossentropy on the softmax output equals torch's on the logits (probabilities are not clipped here).
        Parity.Compare($"Evaluate loss (batch {batchSize})", Tensor.Scalar((float)loss), F.cross_entropy(logits, T(y).argmax(-1)));
    }

    [Fact]
    public void A_saturated_softmax_classifiers_crossentropy_metrics_match_torch_on_the_logits()
    {
        // Kernel entries of ±40 put wrong classes far past the 1e-7 clip: Keras's TensorFlow backend, and Nabla's Fit and
        // Evaluate, read the logits behind the softmax for the metrics as for the loss, so both are torch's cross_entropy.
        const int features = 16;
        var output = new Dense(Classes, "softmax", inputShape: [features]);
        var model = new Sequential(output);
        model.Build([features]);
        TestData.Assign(output.Kernel, TestData.Normal(11, 40.0, features, Classes));
        TestData.Assign(output.Bias!, TestData.Normal(12, 1.0, Classes));
        model.Compile("sgd", "categorical_crossentropy", ["categorical_crossentropy"]);
        var x = TestData.Uniform(13, -1, 1, Samples, features);
        var y = TestData.OneHot(14, Samples, Classes);
        var results = model.Evaluate(x, y, 32);

        using var scope = torch.NewDisposeScope();
        var logits = F.linear(Parity.ToTorch(x), WeightLayouts.DenseKernel(output.Kernel, false), Parity.ToTorch(output.Bias!));
        var expected = F.cross_entropy(logits, Parity.ToTorch(y).argmax(-1));
        Assert.True(expected.item<float>() > 2 * -Math.Log(Nabla.Losses.Loss.Epsilon), "the case must reach past the clip");
        Parity.Compare("Evaluate loss", Tensor.Scalar((float)results["loss"]), expected);
        Parity.Compare("Evaluate categorical_crossentropy metric", Tensor.Scalar((float)results["categorical_crossentropy"]), expected);
    }
}
