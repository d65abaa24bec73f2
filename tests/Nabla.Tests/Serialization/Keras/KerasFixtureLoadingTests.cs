using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>Every real Keras / TensorFlow.js fixture whose layers Nabla has loads and predicts within 1e-5 of the
/// reference outputs (expected_predictions.json).</summary>
public class KerasFixtureLoadingTests
{
    private const string Keras310 = "mnist_flatten_dense_dropout_k3.10.0.keras";
    private const string LegacyH5 = "svhn_grayscale_mlp_tfkeras2.2.4.h5";
    private const string Tfjs = "fashion_mnist_dense_tfjs/model.json";
    private const string ChurnWeights = "churn_dense.weights.h5";

    [Fact]
    public void Keras_3_10_archive_loads_weights_config_and_adam_state()
    {
        var model = Model.Load(KerasFixtures.File(Keras310));
        KerasFixtures.AssertPredicts(model, Keras310);
        Assert.Equal(104_938, model.CountParams());
        var adam = Assert.IsType<Adam>(model.Optimizer);
        Assert.True(adam.Iterations > 0);
        Assert.Equal(0.001, adam.LearningRate, 1e-9);
        Assert.Equal("SparseCategoricalCrossentropy", model.Loss!.ClassName);
    }

    [Fact]
    public void Loaded_keras_model_trains_on_from_its_saved_optimizer()
    {
        var model = Model.Load(KerasFixtures.File(Keras310));
        long before = model.Optimizer!.Iterations;
        var (x, _) = KerasFixtures.Case(Keras310);
        var y = Tensor.FromArray([2f, 3f, 2f, 3f], 4);
        var first = model.Weights[1].Clone();
        model.Fit(x, y, epochs: 1, batchSize: 4, verbose: 0);
        Assert.Equal(before + 1, model.Optimizer.Iterations);
        Assert.NotEqual(first.Data, model.Weights[1].Data);
    }

    [Fact]
    public void Tf_keras_2_legacy_h5_loads_with_kernel_0_names_and_adam_state()
    {
        var model = Model.Load(KerasFixtures.File(LegacyH5));
        KerasFixtures.AssertPredicts(model, LegacyH5);
        Assert.Equal(305_962, model.CountParams());
        var adam = Assert.IsType<Adam>(model.Optimizer);
        Assert.True(adam.Iterations > 0);
        Assert.Equal(1e-4, adam.LearningRate, 1e-9);
    }

    [Fact]
    public void Legacy_h5_reproduces_the_authors_own_keras_predictions()
    {
        var model = Model.Load(KerasFixtures.File(LegacyH5));
        float[] Numbers(string file) => File.ReadAllText(KerasFixtures.File(file))
            .Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)
            .Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var inputs = Numbers("svhn_grayscale_mlp_input_features.dat");
        var outputs = Numbers("svhn_grayscale_mlp_predictions.dat");
        Assert.Equal(8 * 1024, inputs.Length);
        var y = model.Predict(Tensor.FromArray(inputs, 8, 1024));
        // SOURCES.md: the float32 forward pass lands within 1.2e-6 of Keras's own model.predict.
        for (int i = 0; i < outputs.Length; i++) Assert.True(Math.Abs(y.Data[i] - outputs[i]) <= 2e-6, $"output {i}: {y.Data[i]} vs {outputs[i]}");
    }

    [Fact]
    public void TensorFlow_js_converter_model_loads_and_matches_keras_output_on_zeros()
    {
        var model = Model.Load(KerasFixtures.File(Tfjs));
        KerasFixtures.AssertPredicts(model, Tfjs);
        // tf.keras model.predict on an all-zero image, printed in the model's README (SOURCES.md).
        float[] keras = [0.08157011f, 0.00318779f, 0.02768737f, 0.05093732f, 0.00741246f, 0.71254516f, 0.07637644f, 0.02599602f, 0.01260033f, 0.00168701f];
        var y = model.Predict(new Tensor(1, 28, 28));
        for (int i = 0; i < keras.Length; i++) Assert.Equal(keras[i], y.Data[i], 1e-6f);
    }

    [Fact]
    public void Keras_3_weights_file_loads_by_class_path_not_layer_name()
    {
        // Layers named dense_3..dense_5 in the file sit at layers/dense..dense_2 (SOURCES.md); Nabla's names differ too.
        var model = new Sequential(new Dense(64, "relu", inputShape: [12], name: "first"), new Dense(32, "relu"), new Dense(1, "sigmoid"));
        model.LoadWeights(KerasFixtures.File(ChurnWeights));
        KerasFixtures.AssertPredicts(model, ChurnWeights);
    }

    [Fact]
    public void Weights_file_restores_adam_state_into_a_compiled_model()
    {
        var model = new Sequential(new Dense(64, "relu", inputShape: [12]), new Dense(32, "relu"), new Dense(1, "sigmoid"));
        model.Compile(new Adam(), "binary_crossentropy");
        model.LoadWeights(KerasFixtures.File(ChurnWeights));
        // optimizer/vars/0 of churn_dense.weights.h5 holds 5271 (h5py).
        Assert.Equal(5271, model.Optimizer!.Iterations);
    }

    [Fact]
    public void Weights_file_for_another_architecture_names_every_mismatch_and_changes_nothing()
    {
        var model = new Sequential(new Dense(64, "relu", inputShape: [12]), new Dense(16, "relu"), new Dense(1, "sigmoid"));
        var before = model.GetWeights();
        var e = Assert.Throws<Nabla.Data.DataFormatException>(() => model.LoadWeights(KerasFixtures.File(ChurnWeights)));
        Assert.Contains("'layers/dense_1/vars/0' (kernel of Dense", e.Message);
        Assert.Contains("expected [64, 16], found [64, 32]", e.Message);
        Assert.Contains("'layers/dense_2/vars/0'", e.Message);
        var after = model.GetWeights();
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Data, after[i].Data);
    }

    [Fact]
    public void Keras_3_15_cnn_archive_loads_and_predicts()
    {
        const string cnn = "mnist_cnn_k3.15.1.keras";
        var model = Model.Load(KerasFixtures.File(cnn));
        Assert.Equal(225_034, model.CountParams());
        KerasFixtures.AssertPredicts(model, cnn);
    }

    [Fact]
    public void Functional_archive_loads_with_its_weights()
    {
        // SOURCES.md: Keras 3.9.2 Functional, Input(30) → Dense 32 → 16 → 32 → 30, 3,054 parameters.
        var model = Model.Load(KerasFixtures.File("dense_autoencoder_functional_k3.9.2.keras"));
        Assert.Equal("Functional", model.ClassName);
        Assert.Equal(3054, model.CountParams());
        Assert.Contains(model.Weights, w => w.Data.Any(v => v != 0));
        KerasFixtures.AssertPredicts(model, "dense_autoencoder_functional_k3.9.2.keras");
    }
}
