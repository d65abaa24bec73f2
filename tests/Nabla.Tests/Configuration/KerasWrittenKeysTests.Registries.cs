using Nabla.Configuration;
using Nabla.Constraints;
using Nabla.Initializers;
using Nabla.Losses;
using Nabla.Metrics;
using Nabla.Optimizers;
using Nabla.Optimizers.Schedules;
using Nabla.Regularizers;

namespace Nabla.Tests.ConfigurationKeys;

/// <summary>The rows of the other registries: initializers, regularizers, constraints, losses, metrics, optimizers and
/// learning-rate schedules, each config as Keras 3 (and, where the keys differ, tf.keras 2) writes it.</summary>
public partial class KerasWrittenKeysTests
{
    private static object LoadFrom(string registry, string className, string config)
    {
        var spec = Config.Parse($$$"""{"class_name": "{{{className}}}", "config": {{{config}}}}""");
        return registry switch
        {
            "initializer" => Initializer.Registry.Deserialize(spec),
            "regularizer" => Regularizer.Registry.Deserialize(spec),
            "constraint" => Constraint.Registry.Deserialize(spec),
            "loss" => Loss.Registry.Deserialize(spec),
            "metric" => Metric.Registry.Deserialize(spec),
            "optimizer" => Optimizer.Registry.Deserialize(spec),
            "schedule" => LearningRateSchedules.Registry.Deserialize(spec),
            _ => throw new ArgumentException(registry),
        };
    }

    [Theory]
    // keras/src/initializers/constant_initializers.py get_config (Keras 3); keras/initializers/initializers.py (tf.keras 2)
    [InlineData("initializer", "Constant", "{\"value\": 0.0}")]
    [InlineData("initializer", "Zeros", "{}")]
    [InlineData("initializer", "Ones", "{}")]
    [InlineData("initializer", "Identity", "{\"gain\": 1.0}")]
    // keras/src/initializers/random_initializers.py get_config: seed, and each class's own keys
    [InlineData("initializer", "RandomNormal", "{\"seed\": null, \"mean\": 0.0, \"stddev\": 0.05}")]
    [InlineData("initializer", "RandomUniform", "{\"seed\": null, \"minval\": -0.05, \"maxval\": 0.05}")]
    [InlineData("initializer", "TruncatedNormal", "{\"seed\": null, \"mean\": 0.0, \"stddev\": 0.05}")]
    [InlineData("initializer", "VarianceScaling", "{\"seed\": null, \"scale\": 1.0, \"mode\": \"fan_in\", \"distribution\": \"truncated_normal\", \"input_axes\": null, \"output_axes\": null}")]
    [InlineData("initializer", "GlorotUniform", "{\"seed\": null, \"input_axes\": null, \"output_axes\": null}")]
    [InlineData("initializer", "GlorotNormal", "{\"seed\": null}")]
    [InlineData("initializer", "HeUniform", "{\"seed\": null}")]
    [InlineData("initializer", "HeNormal", "{\"seed\": null}")]
    [InlineData("initializer", "LecunUniform", "{\"seed\": null}")]
    [InlineData("initializer", "LecunNormal", "{\"seed\": null}")]
    [InlineData("initializer", "Orthogonal", "{\"seed\": null, \"gain\": 1.0}")]
    // Keras 2.2.4 initializers.py: glorot_normal written as VarianceScaling with its old "normal" distribution
    [InlineData("initializer", "VarianceScaling", "{\"scale\": 1.0, \"mode\": \"fan_avg\", \"distribution\": \"normal\", \"seed\": null}")]
    // keras/src/regularizers/regularizers.py get_config
    [InlineData("regularizer", "L1", "{\"l1\": 0.01}")]
    [InlineData("regularizer", "L2", "{\"l2\": 0.01}")]
    [InlineData("regularizer", "L1L2", "{\"l1\": 0.0, \"l2\": 0.0}")]
    // keras/src/constraints/constraints.py get_config
    [InlineData("constraint", "MaxNorm", "{\"max_value\": 2.0, \"axis\": 0}")]
    [InlineData("constraint", "NonNeg", "{}")]
    [InlineData("constraint", "UnitNorm", "{\"axis\": 0}")]
    [InlineData("constraint", "MinMaxNorm", "{\"min_value\": 0.0, \"max_value\": 1.0, \"rate\": 1.0, \"axis\": 0}")]
    // keras/src/losses/losses.py get_config (Loss: name, reduction; the wrapper adds its fn's arguments)
    [InlineData("loss", "MeanSquaredError", "{\"name\": \"mean_squared_error\", \"reduction\": \"sum_over_batch_size\"}")]
    [InlineData("loss", "MeanAbsoluteError", "{\"name\": \"mean_absolute_error\", \"reduction\": \"sum_over_batch_size\"}")]
    [InlineData("loss", "Huber", "{\"name\": \"huber_loss\", \"reduction\": \"sum_over_batch_size\", \"delta\": 1.0}")]
    [InlineData("loss", "BinaryCrossentropy", "{\"name\": \"binary_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}")]
    [InlineData("loss", "CategoricalCrossentropy", "{\"name\": \"categorical_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}")]
    [InlineData("loss", "SparseCategoricalCrossentropy", "{\"name\": \"sparse_categorical_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"ignore_class\": null}")]
    [InlineData("loss", "Poisson", "{\"name\": \"poisson\", \"reduction\": \"sum_over_batch_size\"}")]
    [InlineData("loss", "CosineSimilarity", "{\"name\": \"cosine_similarity\", \"reduction\": \"sum_over_batch_size\"}")]
    [InlineData("loss", "BinaryFocalCrossentropy", "{\"name\": \"binary_focal_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1, \"apply_class_balancing\": false, \"alpha\": 0.25, \"gamma\": 2.0}")]
    [InlineData("loss", "CategoricalFocalCrossentropy", "{\"name\": \"categorical_focal_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1, \"alpha\": 0.25, \"gamma\": 2.0}")]
    [InlineData("loss", "CategoricalFocalCrossentropy", "{\"name\": \"categorical_focal_crossentropy\", \"reduction\": \"sum_over_batch_size\", \"from_logits\": true, \"label_smoothing\": 0.0, \"axis\": -1, \"alpha\": [0.2, 0.3, 0.5], \"gamma\": 2.0}")]
    // tf.keras 2's losses.py: CosineSimilarity wrote its axis
    [InlineData("loss", "CosineSimilarity", "{\"name\": \"cosine_similarity\", \"reduction\": \"auto\", \"axis\": -1}")]
    // keras/losses.py (tf.keras 2): reduction "auto"
    [InlineData("loss", "CategoricalCrossentropy", "{\"name\": \"categorical_crossentropy\", \"reduction\": \"auto\", \"from_logits\": false, \"label_smoothing\": 0.0, \"axis\": -1}")]
    // keras/src/metrics/*.py get_config (Metric: name, dtype)
    [InlineData("metric", "BinaryAccuracy", "{\"name\": \"binary_accuracy\", \"dtype\": \"float32\", \"threshold\": 0.5}")]
    [InlineData("metric", "CategoricalAccuracy", "{\"name\": \"categorical_accuracy\", \"dtype\": \"float32\"}")]
    [InlineData("metric", "SparseCategoricalAccuracy", "{\"name\": \"sparse_categorical_accuracy\", \"dtype\": \"float32\"}")]
    [InlineData("metric", "TopKCategoricalAccuracy", "{\"name\": \"top_k_categorical_accuracy\", \"dtype\": \"float32\", \"k\": 5}")]
    [InlineData("metric", "MeanSquaredError", "{\"name\": \"mean_squared_error\", \"dtype\": \"float32\"}")]
    [InlineData("metric", "Mean", "{\"name\": \"mean\", \"dtype\": \"float32\"}")]
    [InlineData("metric", "Precision", "{\"name\": \"precision\", \"dtype\": \"float32\", \"thresholds\": null, \"top_k\": null, \"class_id\": null}")]
    [InlineData("metric", "Recall", "{\"name\": \"recall\", \"dtype\": \"float32\", \"thresholds\": null, \"top_k\": null, \"class_id\": null}")]
    [InlineData("metric", "AUC", "{\"name\": \"auc\", \"dtype\": \"float32\", \"num_thresholds\": 200, \"curve\": \"ROC\", \"summation_method\": \"interpolation\", \"multi_label\": false, \"num_labels\": null, \"label_weights\": null, \"from_logits\": false}")]
    // keras/src/optimizers/base_optimizer.py get_config + adam.py
    [InlineData("optimizer", "Adam", "{\"name\": \"adam\", \"learning_rate\": 0.001, \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null, \"beta_1\": 0.9, \"beta_2\": 0.999, \"epsilon\": 1e-07, \"amsgrad\": false}")]
    [InlineData("optimizer", "SGD", "{\"name\": \"SGD\", \"learning_rate\": 0.01, \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null, \"momentum\": 0.0, \"nesterov\": false}")]
    // keras/src/optimizers/adamax.py, lion.py and ftrl.py get_config (after base_optimizer.py's keys)
    [InlineData("optimizer", "Adamax", "{\"name\": \"adamax\", \"learning_rate\": 0.001, \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null, \"beta_1\": 0.9, \"beta_2\": 0.999, \"epsilon\": 1e-07}")]
    [InlineData("optimizer", "Lion", "{\"name\": \"lion\", \"learning_rate\": 0.001, \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null, \"beta_1\": 0.9, \"beta_2\": 0.99}")]
    [InlineData("optimizer", "Ftrl", "{\"name\": \"ftrl\", \"learning_rate\": 0.001, \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"loss_scale_factor\": null, \"gradient_accumulation_steps\": null, \"learning_rate_power\": -0.5, \"initial_accumulator_value\": 0.1, \"l1_regularization_strength\": 0.0, \"l2_regularization_strength\": 0.0, \"l2_shrinkage_regularization_strength\": 0.0, \"beta\": 0.0}")]
    // keras/optimizers/optimizer.py (tf.keras 2.11+) get_config: jit_compile and is_legacy_optimizer
    [InlineData("optimizer", "Adam", "{\"name\": \"Adam\", \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"jit_compile\": true, \"is_legacy_optimizer\": false, \"learning_rate\": 0.001, \"beta_1\": 0.9, \"beta_2\": 0.999, \"epsilon\": 1e-07, \"amsgrad\": false}")]
    [InlineData("optimizer", "RMSprop", "{\"name\": \"RMSprop\", \"weight_decay\": null, \"clipnorm\": null, \"global_clipnorm\": null, \"clipvalue\": null, \"use_ema\": false, \"ema_momentum\": 0.99, \"ema_overwrite_frequency\": null, \"jit_compile\": false, \"is_legacy_optimizer\": false, \"learning_rate\": 0.001, \"rho\": 0.9, \"momentum\": 0.0, \"epsilon\": 1e-07, \"centered\": false}")]
    // keras/optimizers/legacy/adam.py (tf.keras 2 legacy, and Keras 2.2.4) get_config
    [InlineData("optimizer", "Adam", "{\"name\": \"Adam\", \"learning_rate\": 0.001, \"decay\": 0.0, \"beta_1\": 0.9, \"beta_2\": 0.999, \"epsilon\": 1e-07, \"amsgrad\": false}")]
    // keras/src/optimizers/schedules/learning_rate_schedule.py get_config
    [InlineData("schedule", "ExponentialDecay", "{\"initial_learning_rate\": 0.01, \"decay_steps\": 100, \"decay_rate\": 0.9, \"staircase\": false, \"name\": \"ExponentialDecay\"}")]
    [InlineData("schedule", "InverseTimeDecay", "{\"initial_learning_rate\": 0.01, \"decay_steps\": 100, \"decay_rate\": 0.9, \"staircase\": false, \"name\": \"InverseTimeDecay\"}")]
    [InlineData("schedule", "PiecewiseConstantDecay", "{\"boundaries\": [10], \"values\": [0.1, 0.01], \"name\": \"PiecewiseConstant\"}")]
    [InlineData("schedule", "CosineDecay", "{\"initial_learning_rate\": 0.01, \"decay_steps\": 100, \"alpha\": 0.0, \"name\": \"CosineDecay\", \"warmup_target\": null, \"warmup_steps\": 0}")]
    public void AKerasRegistryConfigLoads(string registry, string className, string config) =>
        Assert.NotNull(LoadFrom(registry, className, config));
}
