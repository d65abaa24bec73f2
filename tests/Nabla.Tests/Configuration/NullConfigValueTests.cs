using Nabla.Configuration;
using Nabla.Constraints;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Optimizers;
using Nabla.Optimizers.Schedules;

// Not Nabla.Tests.Configuration: that namespace would hide Nabla.Configuration from tests that write Configuration.Config.
namespace Nabla.Tests.ConfigurationNulls;

/// <summary>
/// A config key written as null where Keras's default is not None: Keras's None then means something other than the
/// default, so the loaders must read it as Keras does, or refuse it, never fall back to the default.
/// </summary>
public class NullConfigValueTests
{
    private static Layer Load(string className, string settings) =>
        Layer.Deserialize(Config.Parse($$$"""{"class_name": "{{{className}}}", "config": {"name": "x", {{{settings}}}}}"""));

    private static void AssertRefused(string key, Action load)
    {
        var error = Assert.Throws<ArgumentException>(load);
        Assert.Contains($"'{key}'", error.Message);
        Assert.Contains("found null", error.Message);
    }

    [Theory]
    // keras/src/layers/core/dense.py and convolutional/base_conv.py: use_bias=True, built with `if self.use_bias:`.
    [InlineData("Dense", "\"units\": 2")]
    [InlineData("Conv2D", "\"filters\": 2, \"kernel_size\": 3")]
    [InlineData("Conv1D", "\"filters\": 2, \"kernel_size\": 3")]
    [InlineData("Conv2DTranspose", "\"filters\": 2, \"kernel_size\": 3")]
    // keras/src/layers/convolutional/base_depthwise_conv.py and base_separable_conv.py: the same use_bias test.
    [InlineData("DepthwiseConv2D", "\"kernel_size\": 3")]
    [InlineData("SeparableConv2D", "\"filters\": 2, \"kernel_size\": 3")]
    // keras/src/layers/rnn/simple_rnn.py: use_bias=True, `if self.use_bias:` in the cell's build.
    [InlineData("SimpleRNN", "\"units\": 2")]
    // keras/src/layers/attention/multi_head_attention.py: use_bias=True, `bias_axes if self._use_bias else None`.
    [InlineData("MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 4")]
    public void ANullUseBiasIsPythonsFalsyNoneSoNoBias(string className, string settings)
    {
        var layer = Load(className, settings + ", \"use_bias\": null");
        Assert.False(((dynamic)layer).UseBias);
        Assert.True(((dynamic)Load(className, settings)).UseBias);
    }

    [Theory]
    // keras/src/layers/layer.py, Layer.add_weight: an initializer of None is "glorot_uniform" for a float weight, and
    // keras/src/initializers/__init__.py, get(None) is None; so a null bias_initializer (default "zeros") is glorot_uniform.
    [InlineData("Dense", "\"units\": 2")]
    [InlineData("Conv2D", "\"filters\": 2, \"kernel_size\": 3")]
    [InlineData("Conv2DTranspose", "\"filters\": 2, \"kernel_size\": 3")]
    [InlineData("DepthwiseConv2D", "\"kernel_size\": 3")]
    [InlineData("SeparableConv2D", "\"filters\": 2, \"kernel_size\": 3")]
    [InlineData("GRU", "\"units\": 2")]
    public void ANullBiasInitializerIsAddWeightsGlorotUniformNotZeros(string className, string settings)
    {
        var layer = Load(className, settings + ", \"bias_initializer\": null");
        Assert.Equal("GlorotUniform", ((Initializer)((dynamic)layer).BiasInitializer).ClassName);
        Assert.Equal("Zeros", ((Initializer)((dynamic)Load(className, settings)).BiasInitializer).ClassName);
    }

    [Fact]
    public void NullWeightInitializersOfOtherLayersAreGlorotUniformToo()
    {
        // keras/src/layers/layer.py, add_weight(initializer=None) is glorot_uniform; the defaults differ:
        // rnn/lstm.py recurrent_initializer="orthogonal", core/embedding.py embeddings_initializer="uniform",
        // activations/prelu.py alpha_initializer="Zeros", normalization/layer_normalization.py beta "zeros", gamma "ones".
        var lstm = (LSTM)Load("LSTM", "\"units\": 2, \"recurrent_initializer\": null");
        Assert.Equal("GlorotUniform", lstm.RecurrentInitializer.ClassName);
        var embedding = (Embedding)Load("Embedding", "\"input_dim\": 5, \"output_dim\": 2, \"embeddings_initializer\": null");
        Assert.Equal("GlorotUniform", embedding.EmbeddingsInitializer.ClassName);
        var prelu = (PReLU)Load("PReLU", "\"alpha_initializer\": null");
        Assert.Equal("GlorotUniform", prelu.AlphaInitializer.ClassName);
        var norm = (LayerNormalization)Load("LayerNormalization", "\"beta_initializer\": null, \"gamma_initializer\": null");
        Assert.Equal(("GlorotUniform", "GlorotUniform"), (norm.BetaInitializer.ClassName, norm.GammaInitializer.ClassName));
        var group = (GroupNormalization)Load("GroupNormalization", "\"groups\": 2, \"gamma_initializer\": null");
        Assert.Equal("GlorotUniform", group.GammaInitializer.ClassName);
        // normalization/batch_normalization.py: beta "zeros", gamma "ones", moving_mean "zeros", moving_variance "ones".
        var batch = (BatchNormalization)Load("BatchNormalization", "\"gamma_initializer\": null, \"moving_variance_initializer\": null");
        Assert.Equal(("GlorotUniform", "GlorotUniform", "Zeros", "Zeros"), (batch.GammaInitializer.ClassName,
            batch.MovingVarianceInitializer.ClassName, batch.BetaInitializer.ClassName, batch.MovingMeanInitializer.ClassName));
    }

    [Fact]
    public void NullFlagsWithATrueDefaultAreFalse()
    {
        // keras/src/layers/normalization/batch_normalization.py and layer_normalization.py: center=True, scale=True,
        // each tested with `if self.center:` / `if self.scale:`.
        var batch = (BatchNormalization)Load("BatchNormalization", "\"center\": null, \"scale\": null");
        Assert.Equal((false, false), (batch.Center, batch.Scale));
        var layer = (LayerNormalization)Load("LayerNormalization", "\"center\": null, \"scale\": null");
        Assert.Equal((false, false), (layer.Center, layer.Scale));
        // keras/src/layers/normalization/group_normalization.py: center=True, scale=True, the same tests.
        var group = (GroupNormalization)Load("GroupNormalization", "\"groups\": 2, \"center\": null");
        Assert.False(group.Center);
        // keras/src/layers/rnn/gru.py: reset_after=True, tested with `if not self.reset_after:` / `if self.reset_after:`.
        Assert.False(((GRU)Load("GRU", "\"units\": 2, \"reset_after\": null")).ResetAfter);
        // keras/src/layers/rnn/lstm.py: unit_forget_bias=True, tested with `if self.unit_forget_bias:`.
        Assert.False(((LSTM)Load("LSTM", "\"units\": 2, \"unit_forget_bias\": null")).UnitForgetBias);
        // keras/src/layers/attention/additive_attention.py: use_scale=True, tested with `if self.use_scale:`.
        Assert.False(((AdditiveAttention)Load("AdditiveAttention", "\"use_scale\": null")).UseScale);
    }

    [Fact]
    public void AnLstmBiasInitializerThatIsNullIsGlorotUniformOnlyWithoutUnitForgetBias()
    {
        // keras/src/layers/rnn/lstm.py, LSTMCell.build: with unit_forget_bias the bias is made by calling
        // self.bias_initializer, which fails when it is None; without it, add_weight's glorot_uniform applies.
        AssertRefused("bias_initializer", () => Load("LSTM", "\"units\": 2, \"bias_initializer\": null"));
        var lstm = (LSTM)Load("LSTM", "\"units\": 2, \"unit_forget_bias\": false, \"bias_initializer\": null");
        Assert.Equal("GlorotUniform", lstm.BiasInitializer.ClassName);
    }

    public static TheoryData<string, string, string> RefusedLayerNulls => new()
    {
        // keras/src/layers/convolutional/base_conv.py: strides=1, dilation_rate=1 (standardize_tuple fails on None),
        // padding="valid" (standardize_padding calls None.lower()), groups=1 (`self.groups <= 0` fails on None).
        { "Conv2D", "\"filters\": 2, \"kernel_size\": 3, \"strides\": null", "strides" },
        { "Conv2D", "\"filters\": 2, \"kernel_size\": 3, \"padding\": null", "padding" },
        { "Conv1D", "\"filters\": 2, \"kernel_size\": 3, \"dilation_rate\": null", "dilation_rate" },
        { "Conv2D", "\"filters\": 2, \"kernel_size\": 3, \"groups\": null", "groups" },
        // keras/src/layers/convolutional/base_depthwise_conv.py, base_separable_conv.py: depth_multiplier=1, a kernel dimension.
        { "DepthwiseConv2D", "\"kernel_size\": 3, \"depth_multiplier\": null", "depth_multiplier" },
        { "SeparableConv2D", "\"filters\": 2, \"kernel_size\": 3, \"depth_multiplier\": null", "depth_multiplier" },
        // keras/src/layers/pooling/base_pooling.py: pool_size through standardize_tuple, padding handed to the pooling op.
        { "MaxPooling2D", "\"pool_size\": null", "pool_size" },
        { "AveragePooling1D", "\"padding\": null", "padding" },
        // keras/src/layers/normalization/batch_normalization.py: int(axis), float(momentum), float(epsilon).
        { "BatchNormalization", "\"axis\": null", "axis" },
        { "BatchNormalization", "\"momentum\": null", "momentum" },
        { "BatchNormalization", "\"epsilon\": null", "epsilon" },
        // keras/src/layers/normalization/layer_normalization.py: a TypeError for an axis not an int or list; epsilon added.
        { "LayerNormalization", "\"axis\": null", "axis" },
        { "LayerNormalization", "\"epsilon\": null", "epsilon" },
        // keras/src/layers/normalization/group_normalization.py: groups=32 compared with the channels; axis=-1 indexes the shape.
        { "GroupNormalization", "\"groups\": null", "groups" },
        { "GroupNormalization", "\"groups\": 2, \"axis\": null", "axis" },
        // keras/src/layers/normalization/unit_normalization.py: a TypeError for an axis not an int or list.
        { "UnitNormalization", "\"axis\": null", "axis" },
        // keras/src/layers/preprocessing/normalization.py: axis=None is () (one mean and variance over every value).
        { "Normalization", "\"axis\": null", "axis" },
        // keras/src/layers/activations/softmax.py: axis=-1; None hands the backend's softmax every axis, batch included.
        { "Softmax", "\"axis\": null", "axis" },
        // keras/src/layers/merging/concatenate.py: axis=-1; `self.axis % rank` fails on None.
        { "Concatenate", "\"axis\": null", "axis" },
        // keras/src/layers/activations/relu.py: negative_slope=0.0, threshold=0.0, "cannot be None".
        { "ReLU", "\"negative_slope\": null", "negative_slope" },
        { "ReLU", "\"threshold\": null", "threshold" },
        // keras/src/layers/activations/leaky_relu.py: negative_slope=0.3 (alpha in Keras 2), "cannot be None".
        { "LeakyReLU", "\"negative_slope\": null", "negative_slope" },
        { "LeakyReLU", "\"alpha\": null", "alpha" },
        // keras/src/layers/activations/elu.py: alpha=1.0, handed to activations.elu.
        { "ELU", "\"alpha\": null", "alpha" },
        // keras/src/layers/core/masking.py: mask_value=0.0, compared with not_equal.
        { "Masking", "\"mask_value\": null", "mask_value" },
        // keras/src/layers/preprocessing/rescaling.py: offset=0.0, cast and added.
        { "Rescaling", "\"scale\": 0.5, \"offset\": null", "offset" },
        // keras/src/layers/reshaping/up_sampling1d.py, up_sampling2d.py: size=2 / (2, 2), interpolation="nearest".
        { "UpSampling1D", "\"size\": null", "size" },
        { "UpSampling2D", "\"size\": null", "size" },
        { "UpSampling2D", "\"interpolation\": null", "interpolation" },
        // keras/src/layers/reshaping/zero_padding{1,2}d.py, cropping{1,2}d.py: padding=1 / (1, 1), cropping=(1, 1) /
        // ((0, 0), (0, 0)); None is neither an int nor a tuple and raises.
        { "ZeroPadding1D", "\"padding\": null", "padding" },
        { "ZeroPadding2D", "\"padding\": null", "padding" },
        { "Cropping1D", "\"cropping\": null", "cropping" },
        { "Cropping2D", "\"cropping\": null", "cropping" },
        // keras/src/layers/preprocessing/image_preprocessing/resizing.py: interpolation="bilinear", checked by resize.
        { "Resizing", "\"height\": 4, \"width\": 4, \"interpolation\": null", "interpolation" },
        // .../image_preprocessing/random_flip.py: mode="horizontal_and_vertical"; None matches no direction and never flips.
        { "RandomFlip", "\"mode\": null", "mode" },
        // .../image_preprocessing/random_rotation.py: fill_mode="reflect", interpolation="bilinear" checked against the
        // supported ones; fill_value=0.0, used by fill_mode "constant".
        { "RandomRotation", "\"factor\": 0.1, \"fill_mode\": null", "fill_mode" },
        { "RandomZoom", "\"height_factor\": 0.1, \"interpolation\": null", "interpolation" },
        { "RandomTranslation", "\"height_factor\": 0.1, \"width_factor\": 0.1, \"fill_mode\": \"constant\", \"fill_value\": null", "fill_value" },
        // .../image_preprocessing/random_brightness.py, random_contrast.py: value_range=(0, 255), which None is not.
        { "RandomBrightness", "\"factor\": 0.1, \"value_range\": null", "value_range" },
        { "RandomContrast", "\"factor\": 0.1, \"value_range\": null", "value_range" },
        // keras/src/layers/attention/attention.py: score_mode="dot" ("Invalid value"), dropout=0.0 (`self.dropout > 0`).
        { "Attention", "\"score_mode\": null", "score_mode" },
        { "Attention", "\"dropout\": null", "dropout" },
        { "AdditiveAttention", "\"dropout\": null", "dropout" },
        // keras/src/layers/attention/multi_head_attention.py: dropout=0.0 compared with 0.0; each initializer is copied
        // through its class's from_config, which None has not.
        { "MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 4, \"dropout\": null", "dropout" },
        { "MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 4, \"kernel_initializer\": null", "kernel_initializer" },
        { "MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 4, \"bias_initializer\": null", "bias_initializer" },
        // keras/src/layers/rnn/lstm.py, gru.py, simple_rnn.py: dropout=0.0, recurrent_dropout=0.0, min(1.0, max(0.0, x)).
        { "LSTM", "\"units\": 2, \"dropout\": null", "dropout" },
        { "GRU", "\"units\": 2, \"recurrent_dropout\": null", "recurrent_dropout" },
        // keras/src/layers/layer.py, Layer.__init__: trainable=True, "Expected `trainable` to be a boolean".
        { "Dense", "\"units\": 2, \"trainable\": null", "trainable" },
    };

    [Theory]
    [MemberData(nameof(RefusedLayerNulls))]
    public void LayerNullsThatKerasDoesNotReadAsTheDefaultAreRefused(string className, string settings, string key) =>
        AssertRefused(key, () => Load(className, settings));

    public static TheoryData<string, string> RefusedInitializerNulls => new()
    {
        // keras/src/initializers/random_initializers.py: RandomNormal / TruncatedNormal(mean=0.0, stddev=0.05),
        // RandomUniform(minval=-0.05, maxval=0.05), OrthogonalInitializer(gain=1.0), VarianceScaling(scale=1.0,
        // mode="fan_in", distribution="truncated_normal") compute with or validate these and fail on None.
        { """{"class_name": "RandomNormal", "config": {"mean": null}}""", "mean" },
        { """{"class_name": "TruncatedNormal", "config": {"stddev": null}}""", "stddev" },
        { """{"class_name": "RandomUniform", "config": {"maxval": null}}""", "maxval" },
        { """{"class_name": "Orthogonal", "config": {"gain": null}}""", "gain" },
        { """{"class_name": "VarianceScaling", "config": {"scale": null}}""", "scale" },
        { """{"class_name": "VarianceScaling", "config": {"mode": null}}""", "mode" },
        { """{"class_name": "VarianceScaling", "config": {"distribution": null}}""", "distribution" },
        // keras/src/initializers/constant_initializers.py: Constant(value=0.0) cast to the dtype; Identity(gain=1.0).
        { """{"class_name": "Constant", "config": {"value": null}}""", "value" },
        { """{"class_name": "Identity", "config": {"gain": null}}""", "gain" },
    };

    [Theory]
    [MemberData(nameof(RefusedInitializerNulls))]
    public void InitializerNullsAreRefused(string json, string key) =>
        AssertRefused(key, () => Initializer.Deserialize(Config.Parse(json)));

    public static TheoryData<string, string> RefusedConstraintNulls => new()
    {
        // keras/src/constraints/constraints.py: axis=0; None sums over every axis of the weight (one norm for all).
        { """{"class_name": "MaxNorm", "config": {"max_value": 2, "axis": null}}""", "axis" },
        { """{"class_name": "UnitNorm", "config": {"axis": null}}""", "axis" },
        // The same file: MaxNorm(max_value=2), MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0) clip and scale with them.
        { """{"class_name": "MaxNorm", "config": {"max_value": null}}""", "max_value" },
        { """{"class_name": "MinMaxNorm", "config": {"rate": null}}""", "rate" },
    };

    [Theory]
    [MemberData(nameof(RefusedConstraintNulls))]
    public void ConstraintNullsAreRefused(string json, string key) =>
        AssertRefused(key, () => Constraint.Registry.Deserialize(Config.Parse(json)));

    public static TheoryData<string, string> RefusedOptimizerNulls => new()
    {
        // keras/src/optimizers/base_optimizer.py: learning_rate=0.001 becomes a backend Variable, which None cannot.
        { """{"class_name": "Adam", "config": {"learning_rate": null}}""", "learning_rate" },
        // keras/src/optimizers/adam.py, adamw.py, nadam.py: beta_1=0.9, beta_2=0.999 raised to the step's power.
        { """{"class_name": "Adam", "config": {"beta_1": null}}""", "beta_1" },
        { """{"class_name": "AdamW", "config": {"beta_1": null}}""", "beta_1" },
        { """{"class_name": "Nadam", "config": {"beta_2": null}}""", "beta_2" },
        // keras/src/optimizers/rmsprop.py: rho=0.9, momentum=0.0 (`self.momentum > 0` in build).
        { """{"class_name": "RMSprop", "config": {"rho": null}}""", "rho" },
        { """{"class_name": "RMSprop", "config": {"momentum": null}}""", "momentum" },
        // keras/src/optimizers/sgd.py: momentum=0.0, "`momentum` must be a float between [0, 1]".
        { """{"class_name": "SGD", "config": {"momentum": null}}""", "momentum" },
        // keras/src/optimizers/adagrad.py: initial_accumulator_value=0.1, a Constant initializer's value.
        { """{"class_name": "Adagrad", "config": {"initial_accumulator_value": null}}""", "initial_accumulator_value" },
        // keras/src/optimizers/adadelta.py: rho=0.95 in the running averages.
        { """{"class_name": "Adadelta", "config": {"rho": null}}""", "rho" },
        // keras/src/optimizers/adamax.py: beta_1 raised to the step's power; lion.py: `beta_1 <= 0` and beta_2 multiplied.
        { """{"class_name": "Adamax", "config": {"beta_1": null}}""", "beta_1" },
        { """{"class_name": "Lion", "config": {"beta_2": null}}""", "beta_2" },
        // keras/src/optimizers/ftrl.py: each argument is compared with 0.0 in __init__, and beta divided in update_step.
        { """{"class_name": "Ftrl", "config": {"learning_rate_power": null}}""", "learning_rate_power" },
        { """{"class_name": "Ftrl", "config": {"l1_regularization_strength": null}}""", "l1_regularization_strength" },
        { """{"class_name": "Ftrl", "config": {"beta": null}}""", "beta" },
    };

    [Theory]
    [MemberData(nameof(RefusedOptimizerNulls))]
    public void OptimizerNullsAreRefused(string json, string key) =>
        AssertRefused(key, () => Optimizer.Deserialize(Config.Parse(json)));

    [Theory]
    // keras/src/optimizers/schedules/learning_rate_schedule.py, CosineDecay: alpha=0.0, warmup_steps=0, both computed with.
    [InlineData("alpha")]
    [InlineData("warmup_steps")]
    public void CosineDecayNullsAreRefused(string key) =>
        AssertRefused(key, () => LearningRateSchedules.Deserialize(Config.Parse(
            $$$"""{"class_name": "CosineDecay", "config": {"initial_learning_rate": 0.1, "decay_steps": 10, "{{{key}}}": null}}""")));

    public static TheoryData<string, string> RefusedLossNulls => new()
    {
        // keras/src/losses/loss.py: reduction="sum_over_batch_size"; None is allowed and means no reduction ("none").
        { """{"class_name": "MeanSquaredError", "config": {"reduction": null}}""", "reduction" },
        // keras/src/losses/losses.py: CategoricalCrossentropy(axis=-1); None reduces the cross-entropy over every axis.
        { """{"class_name": "CategoricalCrossentropy", "config": {"axis": null}}""", "axis" },
        // keras/src/losses/losses.py: Huber(delta=1.0), converted to a tensor and compared with the error.
        { """{"class_name": "Huber", "config": {"delta": null}}""", "delta" },
        // keras/src/losses/losses.py: the focal factor is ops.power(1 − p_t, gamma), and alpha multiplies it.
        { """{"class_name": "BinaryFocalCrossentropy", "config": {"gamma": null}}""", "gamma" },
        { """{"class_name": "CategoricalFocalCrossentropy", "config": {"alpha": null}}""", "alpha" },
        { """{"class_name": "CosineSimilarity", "config": {"axis": null}}""", "axis" },
    };

    [Theory]
    [MemberData(nameof(RefusedLossNulls))]
    public void LossNullsAreRefused(string json, string key) =>
        AssertRefused(key, () => Loss.Deserialize(Config.Parse(json)));

    public static TheoryData<string, string> RefusedMetricNulls => new()
    {
        // keras/src/metrics/accuracy_metrics.py: binary_accuracy casts threshold=0.5 to the predictions' dtype.
        { """{"class_name": "BinaryAccuracy", "config": {"threshold": null}}""", "threshold" },
        // keras/src/metrics/accuracy_metrics.py: top_k_categorical_accuracy(k=5) calls ops.in_top_k with k.
        { """{"class_name": "TopKCategoricalAccuracy", "config": {"k": null}}""", "k" },
        // keras/src/metrics/confusion_metrics.py, AUC: `if num_thresholds <= 1` (num_thresholds=200),
        // AUCCurve.from_str(curve="ROC") and AUCSummationMethod.from_str(summation_method="interpolation") fail on None.
        { """{"class_name": "AUC", "config": {"num_thresholds": null}}""", "num_thresholds" },
        { """{"class_name": "AUC", "config": {"curve": null}}""", "curve" },
        { """{"class_name": "AUC", "config": {"summation_method": null}}""", "summation_method" },
    };

    [Theory]
    [MemberData(nameof(RefusedMetricNulls))]
    public void MetricNullsAreRefused(string json, string key) =>
        AssertRefused(key, () => Nabla.Metrics.Metric.Deserialize(Config.Parse(json)));

    [Fact]
    public void ANullPrecisionThresholdIsKerasDefaultOfOneHalf()
    {
        // keras/src/metrics/confusion_metrics.py: Precision(thresholds=None) uses 0.5 (metrics_utils.parse_init_thresholds).
        var precision = (Nabla.Metrics.Precision)Nabla.Metrics.Metric.Deserialize(Config.Parse(
            """{"class_name": "Precision", "config": {"thresholds": null}}"""));
        Assert.Equal(0.5, precision.Threshold);
    }

    [Fact]
    public void ANullTrainableModelIsRefused() =>
        // keras/src/models/sequential.py passes trainable=True to Layer.__init__, which requires a boolean.
        AssertRefused("trainable", () => Sequential.FromConfig(Config.Parse(
            """{"name": "s", "trainable": null, "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 1, "batch_shape": [null, 2]}}]}""")));
}
