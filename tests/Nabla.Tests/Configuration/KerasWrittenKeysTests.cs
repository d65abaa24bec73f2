using Nabla.Configuration;
using Nabla.Layers;

// Not Nabla.Tests.Configuration: that namespace would hide Nabla.Configuration from tests that write Configuration.Config.
namespace Nabla.Tests.ConfigurationKeys;

/// <summary>
/// Every key a real Keras writes in a class's get_config, with Keras's default value, loads: the registries refuse a
/// key nothing reads (Registry.CheckKeysKnown), so a key Keras writes and Nabla does not know would make every file
/// of that Keras refuse to load. One row per class and Keras flavour, naming the get_config it copies.
/// Keras 3 rows here; tf.keras 2 and TensorFlow.js rows in KerasWrittenKeysTests.Legacy.cs; initializers, optimizers
/// and the other registries in KerasWrittenKeysTests.Registries.cs.
/// </summary>
public partial class KerasWrittenKeysTests
{
    // keras/src/layers/layer.py get_config (with ops/operation.py's name): name, trainable, dtype as a DTypePolicy.
    private const string K3 = """
        "name": "x", "trainable": true,
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}
        """;

    // keras/src/initializers/*.py get_config, as serialize_keras_object writes them.
    private const string Glorot3 = """{"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null, "input_axes": null, "output_axes": null}, "registered_name": null}""";
    private const string Orth3 = """{"module": "keras.initializers", "class_name": "Orthogonal", "config": {"seed": null, "gain": 1.0}, "registered_name": null}""";
    private const string Zeros3 = """{"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null}""";
    private const string Ones3 = """{"module": "keras.initializers", "class_name": "Ones", "config": {}, "registered_name": null}""";
    private const string Uniform3 = """{"module": "keras.initializers", "class_name": "RandomUniform", "config": {"seed": null, "minval": -0.05, "maxval": 0.05}, "registered_name": null}""";

    // The kernel-and-bias keys of Dense and the convolutions (keras/src/layers/core/dense.py,
    // convolutional/base_conv.py get_config).
    private const string KernelBias3 = "\"use_bias\": true, \"kernel_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 +
        ", \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null";

    // keras/src/layers/rnn/rnn.py get_config: the keys every recurrent layer adds.
    private const string Rnn3 = "\"return_sequences\": false, \"return_state\": false, \"go_backwards\": false, \"stateful\": false, \"unroll\": false, \"zero_output_for_mask\": false";

    // keras/src/layers/rnn/lstm.py (and gru.py, simple_rnn.py) get_config: the cell's keys.
    private const string Cell3 = "\"units\": 3, \"activation\": \"tanh\", \"use_bias\": true, \"kernel_initializer\": " + Glorot3 +
        ", \"recurrent_initializer\": " + Orth3 + ", \"bias_initializer\": " + Zeros3 +
        ", \"kernel_regularizer\": null, \"recurrent_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null" +
        ", \"kernel_constraint\": null, \"recurrent_constraint\": null, \"bias_constraint\": null, \"dropout\": 0.0, \"recurrent_dropout\": 0.0, \"seed\": null";

    // keras/src/layers/rnn/conv_lstm.py ConvLSTM.get_config, but the window keys (per rank).
    private const string ConvLstm3 = "\"filters\": 2, \"padding\": \"valid\", \"data_format\": \"channels_last\", \"activation\": \"tanh\", \"recurrent_activation\": \"sigmoid\", \"use_bias\": true" +
        ", \"kernel_initializer\": " + Glorot3 + ", \"recurrent_initializer\": " + Orth3 + ", \"bias_initializer\": " + Zeros3 + ", \"unit_forget_bias\": true" +
        ", \"kernel_regularizer\": null, \"recurrent_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null" +
        ", \"kernel_constraint\": null, \"recurrent_constraint\": null, \"bias_constraint\": null, \"dropout\": 0.0, \"recurrent_dropout\": 0.0, \"seed\": null";

    internal static Layer Load(string className, string baseKeys, string keys) =>
        Layer.Deserialize(Config.Parse($$$"""{"class_name": "{{{className}}}", "config": { {{{Join(baseKeys, keys)}}} }}"""));

    internal static string Join(string baseKeys, string keys) => keys.Length == 0 ? baseKeys : baseKeys + ", " + keys;

    [Theory]
    // keras/src/layers/core/input_layer.py get_config (no base keys: it writes its own)
    [InlineData("InputLayer", "\"batch_shape\": [null, 4], \"dtype\": \"float32\", \"sparse\": false, \"ragged\": false, \"optional\": false")]
    // keras/src/layers/core/dense.py get_config (quantization_config: Keras 3.1x writes it, null when not quantized)
    [InlineData("Dense", "\"units\": 2, \"activation\": null, " + KernelBias3 + ", \"quantization_config\": null")]
    // keras/src/layers/core/einsum_dense.py get_config (quantization_config as Dense's; lora_rank, lora_alpha and
    // gptq_unpacked_column_size only when set)
    [InlineData("EinsumDense", "\"output_shape\": [null, 4], \"equation\": \"abc,cd->abd\", \"activation\": \"linear\", \"bias_axes\": \"d\", \"kernel_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 + ", \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null, \"quantization_config\": null")]
    // keras/src/layers/convolutional/base_conv.py get_config
    [InlineData("Conv1D", "\"filters\": 2, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1], \"groups\": 1, \"activation\": null, " + KernelBias3)]
    [InlineData("Conv2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"relu\", " + KernelBias3)]
    [InlineData("Conv3D", "\"filters\": 2, \"kernel_size\": [3, 3, 3], \"strides\": [1, 1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1, 1], \"groups\": 1, \"activation\": null, " + KernelBias3)]
    // keras/src/layers/convolutional/base_conv_transpose.py get_config
    [InlineData("Conv1DTranspose", "\"filters\": 2, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"valid\", \"output_padding\": null, \"data_format\": \"channels_last\", \"dilation_rate\": [1], \"activation\": null, " + KernelBias3)]
    [InlineData("Conv2DTranspose", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"output_padding\": null, \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": null, " + KernelBias3)]
    // keras/src/layers/convolutional/base_depthwise_conv.py get_config
    [InlineData("DepthwiseConv1D", "\"depth_multiplier\": 1, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1], \"activation\": null, \"use_bias\": true, \"depthwise_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 + ", \"depthwise_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"depthwise_constraint\": null, \"bias_constraint\": null")]
    [InlineData("DepthwiseConv2D", "\"depth_multiplier\": 1, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": null, \"use_bias\": true, \"depthwise_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 + ", \"depthwise_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"depthwise_constraint\": null, \"bias_constraint\": null")]
    // keras/src/layers/convolutional/base_separable_conv.py get_config
    [InlineData("SeparableConv1D", "\"depth_multiplier\": 1, \"filters\": 2, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1], \"activation\": null, \"use_bias\": true, \"depthwise_initializer\": " + Glorot3 + ", \"pointwise_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 + ", \"depthwise_regularizer\": null, \"pointwise_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"depthwise_constraint\": null, \"pointwise_constraint\": null, \"bias_constraint\": null")]
    [InlineData("SeparableConv2D", "\"depth_multiplier\": 1, \"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": null, \"use_bias\": true, \"depthwise_initializer\": " + Glorot3 + ", \"pointwise_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 + ", \"depthwise_regularizer\": null, \"pointwise_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"depthwise_constraint\": null, \"pointwise_constraint\": null, \"bias_constraint\": null")]
    // keras/src/layers/normalization/batch_normalization.py get_config
    [InlineData("BatchNormalization", "\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros3 + ", \"gamma_initializer\": " + Ones3 + ", \"moving_mean_initializer\": " + Zeros3 + ", \"moving_variance_initializer\": " + Ones3 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null, \"synchronized\": false")]
    // ... and the newest Keras 3, which adds renorm, renorm_clipping, renorm_momentum
    [InlineData("BatchNormalization", "\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros3 + ", \"gamma_initializer\": " + Ones3 + ", \"moving_mean_initializer\": " + Zeros3 + ", \"moving_variance_initializer\": " + Ones3 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null, \"synchronized\": false, \"renorm\": false, \"renorm_clipping\": null, \"renorm_momentum\": 0.99")]
    // keras/src/layers/normalization/layer_normalization.py get_config
    [InlineData("LayerNormalization", "\"axis\": -1, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"rms_scaling\": false, \"beta_initializer\": " + Zeros3 + ", \"gamma_initializer\": " + Ones3 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null")]
    // keras/src/layers/normalization/group_normalization.py get_config
    [InlineData("GroupNormalization", "\"groups\": 2, \"axis\": -1, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros3 + ", \"gamma_initializer\": " + Ones3 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null")]
    // keras/src/layers/normalization/unit_normalization.py get_config
    [InlineData("UnitNormalization", "\"axis\": -1")]
    // keras/src/layers/regularization/dropout.py, spatial_dropout.py, gaussian_noise.py, gaussian_dropout.py,
    // alpha_dropout.py, activity_regularization.py get_config
    [InlineData("Dropout", "\"rate\": 0.5, \"seed\": null, \"noise_shape\": null")]
    [InlineData("SpatialDropout1D", "\"rate\": 0.5, \"seed\": null")]
    [InlineData("SpatialDropout2D", "\"rate\": 0.5, \"seed\": null, \"data_format\": \"channels_last\"")]
    [InlineData("SpatialDropout3D", "\"rate\": 0.5, \"seed\": null, \"data_format\": \"channels_last\"")]
    [InlineData("GaussianNoise", "\"stddev\": 0.1, \"seed\": null")]
    [InlineData("GaussianDropout", "\"rate\": 0.1, \"seed\": null")]
    [InlineData("AlphaDropout", "\"rate\": 0.1, \"seed\": null, \"noise_shape\": null")]
    [InlineData("ActivityRegularization", "\"l1\": 0.0, \"l2\": 0.0")]
    // keras/src/layers/core/embedding.py get_config
    [InlineData("Embedding", "\"input_dim\": 10, \"output_dim\": 4, \"embeddings_initializer\": " + Uniform3 + ", \"embeddings_regularizer\": null, \"activity_regularizer\": null, \"embeddings_constraint\": null, \"mask_zero\": false, \"quantization_config\": null")]
    // keras/src/layers/core/masking.py, identity.py get_config
    [InlineData("Masking", "\"mask_value\": 0.0")]
    [InlineData("Identity", "")]
    // keras/src/layers/rnn/simple_rnn.py, lstm.py, gru.py get_config (+ rnn.py's keys)
    [InlineData("SimpleRNN", Cell3 + ", " + Rnn3)]
    [InlineData("LSTM", Cell3 + ", \"recurrent_activation\": \"sigmoid\", \"unit_forget_bias\": true, " + Rnn3)]
    [InlineData("GRU", Cell3 + ", \"recurrent_activation\": \"sigmoid\", \"reset_after\": true, " + Rnn3)]
    // keras/src/layers/rnn/conv_lstm.py get_config (+ rnn.py's keys, without cell)
    [InlineData("ConvLSTM1D", ConvLstm3 + ", \"kernel_size\": [3], \"strides\": [1], \"dilation_rate\": [1], " + Rnn3)]
    [InlineData("ConvLSTM2D", ConvLstm3 + ", \"kernel_size\": [3, 3], \"strides\": [1, 1], \"dilation_rate\": [1, 1], " + Rnn3)]
    [InlineData("ConvLSTM3D", ConvLstm3 + ", \"kernel_size\": [3, 3, 3], \"strides\": [1, 1, 1], \"dilation_rate\": [1, 1, 1], " + Rnn3)]
    // keras/src/layers/rnn/rnn.py get_config with the cell as lstm.py's LSTMCell.get_config writes it
    [InlineData("RNN", "\"cell\": {\"module\": \"keras.layers\", \"class_name\": \"LSTMCell\", \"config\": {" + K3 + ", " + Cell3 + ", \"recurrent_activation\": \"sigmoid\", \"unit_forget_bias\": true}, \"registered_name\": null}, " + Rnn3)]
    // keras/src/layers/preprocessing/integer_lookup.py get_config
    [InlineData("IntegerLookup", "\"invert\": false, \"max_tokens\": null, \"num_oov_indices\": 1, \"oov_token\": -1, \"mask_token\": null, \"output_mode\": \"int\", \"sparse\": false, \"pad_to_max_tokens\": false, \"vocabulary_dtype\": \"int64\", \"idf_weights\": null, \"vocabulary\": [3, 5, 7]")]
    // keras/src/layers/pooling/base_pooling.py, base_global_pooling.py get_config
    [InlineData("MaxPooling1D", "\"pool_size\": [2], \"padding\": \"valid\", \"strides\": [2], \"data_format\": \"channels_last\"")]
    [InlineData("MaxPooling2D", "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("MaxPooling3D", "\"pool_size\": [2, 2, 2], \"padding\": \"valid\", \"strides\": [2, 2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("AveragePooling1D", "\"pool_size\": [2], \"padding\": \"valid\", \"strides\": [2], \"data_format\": \"channels_last\"")]
    [InlineData("AveragePooling2D", "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("AveragePooling3D", "\"pool_size\": [2, 2, 2], \"padding\": \"valid\", \"strides\": [2, 2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("GlobalAveragePooling1D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    [InlineData("GlobalAveragePooling2D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    [InlineData("GlobalAveragePooling3D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    [InlineData("GlobalMaxPooling1D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    [InlineData("GlobalMaxPooling2D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    [InlineData("GlobalMaxPooling3D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    // keras/src/layers/reshaping/*.py get_config
    [InlineData("Flatten", "\"data_format\": \"channels_last\"")]
    [InlineData("Reshape", "\"target_shape\": [2, 2]")]
    [InlineData("Permute", "\"dims\": [2, 1]")]
    [InlineData("RepeatVector", "\"n\": 2")]
    [InlineData("UpSampling1D", "\"size\": 2")]
    [InlineData("UpSampling2D", "\"size\": [2, 2], \"data_format\": \"channels_last\", \"interpolation\": \"nearest\"")]
    [InlineData("UpSampling3D", "\"size\": [2, 2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("ZeroPadding1D", "\"padding\": [1, 1]")]
    [InlineData("ZeroPadding2D", "\"padding\": [[1, 1], [1, 1]], \"data_format\": \"channels_last\"")]
    [InlineData("ZeroPadding3D", "\"padding\": [[1, 1], [1, 1], [1, 1]], \"data_format\": \"channels_last\"")]
    [InlineData("Cropping1D", "\"cropping\": [1, 1]")]
    [InlineData("Cropping2D", "\"cropping\": [[1, 1], [1, 1]], \"data_format\": \"channels_last\"")]
    [InlineData("Cropping3D", "\"cropping\": [[1, 1], [1, 1], [1, 1]], \"data_format\": \"channels_last\"")]
    // keras/src/layers/activations/*.py get_config
    [InlineData("Activation", "\"activation\": \"relu\"")]
    [InlineData("ReLU", "\"max_value\": null, \"negative_slope\": 0.0, \"threshold\": 0.0")]
    [InlineData("LeakyReLU", "\"negative_slope\": 0.3")]
    [InlineData("ELU", "\"alpha\": 1.0")]
    [InlineData("PReLU", "\"alpha_initializer\": " + Zeros3 + ", \"alpha_regularizer\": null, \"alpha_constraint\": null, \"shared_axes\": null")]
    [InlineData("Softmax", "\"axis\": -1")]
    // keras/src/layers/merging/base_merge.py, concatenate.py, dot.py get_config
    [InlineData("Add", "")]
    [InlineData("Subtract", "")]
    [InlineData("Multiply", "")]
    [InlineData("Average", "")]
    [InlineData("Maximum", "")]
    [InlineData("Minimum", "")]
    [InlineData("Concatenate", "\"axis\": -1")]
    [InlineData("Dot", "\"axes\": -1, \"normalize\": false")]
    // keras/src/layers/attention/multi_head_attention.py, attention.py, additive_attention.py get_config
    [InlineData("MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 4, \"value_dim\": 4, \"dropout\": 0.0, \"use_bias\": true, \"output_shape\": null, \"attention_axes\": null, \"kernel_initializer\": " + Glorot3 + ", \"bias_initializer\": " + Zeros3 + ", \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null, \"seed\": null")]
    [InlineData("Attention", "\"use_scale\": false, \"score_mode\": \"dot\", \"dropout\": 0.0, \"seed\": null")]
    [InlineData("AdditiveAttention", "\"use_scale\": true, \"dropout\": 0.0")]
    // keras/src/layers/preprocessing/normalization.py, rescaling.py get_config
    [InlineData("Normalization", "\"axis\": -1, \"invert\": false, \"mean\": [0.5, 1.0], \"variance\": [1.0, 4.0]")]
    [InlineData("Rescaling", "\"scale\": 0.00392156862745098, \"offset\": 0.0")]
    // keras/src/layers/preprocessing/image_preprocessing/*.py get_config (base_image_preprocessing_layer.py adds nothing
    // but the layer's own keys; data_format is written by each)
    [InlineData("RandomFlip", "\"seed\": null, \"mode\": \"horizontal_and_vertical\", \"data_format\": \"channels_last\"")]
    [InlineData("RandomRotation", "\"factor\": 0.1, \"data_format\": \"channels_last\", \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null")]
    // Keras 3.0-3.5 (keras/src/layers/preprocessing/random_rotation.py) also wrote value_range
    [InlineData("RandomRotation", "\"factor\": 0.1, \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null, \"value_range\": [0, 255], \"data_format\": \"channels_last\"")]
    // ... which its call never reads: images scaled to [0, 1] load too.
    [InlineData("RandomRotation", "\"factor\": 0.1, \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null, \"value_range\": [0, 1], \"data_format\": \"channels_last\"")]
    [InlineData("RandomZoom", "\"height_factor\": 0.1, \"width_factor\": null, \"fill_mode\": \"reflect\", \"interpolation\": \"bilinear\", \"seed\": null, \"fill_value\": 0.0, \"data_format\": \"channels_last\"")]
    [InlineData("RandomTranslation", "\"height_factor\": 0.1, \"width_factor\": 0.1, \"fill_mode\": \"reflect\", \"interpolation\": \"bilinear\", \"seed\": null, \"fill_value\": 0.0, \"data_format\": \"channels_last\"")]
    // random_shear.py get_config (3.6+): each factor as the (lower, upper) _set_factor_with_name kept, a number f as (-f, f)
    [InlineData("RandomShear", "\"x_factor\": [-0.0, 0.0], \"y_factor\": [-0.1, 0.1], \"fill_mode\": \"reflect\", \"interpolation\": \"bilinear\", \"seed\": null, \"fill_value\": 0.0, \"data_format\": \"channels_last\"")]
    // random_erasing.py get_config (3.6+): factor as the (lower, upper) _set_factor kept, scale, fill_value, value_range, seed
    // (no data_format)
    [InlineData("RandomErasing", "\"factor\": [0, 1.0], \"scale\": [0.02, 0.33], \"fill_value\": null, \"value_range\": [0, 255], \"seed\": null")]
    [InlineData("RandomContrast", "\"factor\": 0.1, \"value_range\": [0, 255], \"seed\": null")]
    [InlineData("RandomBrightness", "\"factor\": 0.1, \"value_range\": [0, 255], \"seed\": null")]
    // random_grayscale.py get_config: the base keys and factor only (no seed, no data_format)
    [InlineData("RandomGrayscale", "\"factor\": 0.5")]
    // random_invert.py get_config: factor as the (lower, upper) _set_factor kept, value_range as given, seed
    [InlineData("RandomInvert", "\"factor\": [0, 1.0], \"value_range\": [0, 255], \"seed\": null")]
    // solarization.py get_config: value_range sorted, the factors as the (lower, upper) _set_factor kept, seed
    [InlineData("Solarization", "\"value_range\": [0, 255], \"addition_factor\": [0, 0.0], \"threshold_factor\": [0, 0.0], \"seed\": null")]
    // random_posterization.py get_config: factor as the (lower, upper) _set_factor kept, value_range sorted, seed
    [InlineData("RandomPosterization", "\"factor\": [1, 4], \"value_range\": [0, 255], \"seed\": null")]
    [InlineData("Resizing", "\"height\": 4, \"width\": 4, \"interpolation\": \"bilinear\", \"crop_to_aspect_ratio\": false, \"pad_to_aspect_ratio\": false, \"fill_mode\": \"constant\", \"fill_value\": 0.0, \"antialias\": false, \"data_format\": \"channels_last\"")]
    [InlineData("CenterCrop", "\"height\": 4, \"width\": 4, \"data_format\": \"channels_last\"")]
    // random_crop.py get_config, alike in image_preprocessing/ (3.6+) and in Keras 3.0-3.5's keras/layers/preprocessing/
    // (3.1+: keras/src/layers/preprocessing/); the seed is the drawn default seed when the user gave none
    [InlineData("RandomCrop", "\"height\": 4, \"width\": 4, \"seed\": 1337, \"data_format\": \"channels_last\"")]
    // Keras 3.0-3.5 keras/layers/preprocessing/random_flip.py, random_contrast.py, random_brightness.py (3.1+:
    // keras/src/layers/preprocessing/) get_config: no data_format, no value_range in RandomContrast, and the factor
    // written as the sorted [lower, upper] it kept (RandomRotation too); their random_zoom.py and random_translation.py
    // write the keys of the RandomZoom and RandomTranslation rows above
    [InlineData("RandomFlip", "\"seed\": null, \"mode\": \"horizontal_and_vertical\"")]
    [InlineData("RandomContrast", "\"factor\": 0.1, \"seed\": null")]
    [InlineData("RandomBrightness", "\"factor\": [-0.1, 0.1], \"value_range\": [0, 255], \"seed\": null")]
    [InlineData("RandomRotation", "\"factor\": [-0.1, 0.1], \"value_range\": [0, 255], \"data_format\": \"channels_last\", \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null")]
    // keras/src/layers/preprocessing/category_encoding.py, discretization.py get_config
    [InlineData("CategoryEncoding", "\"num_tokens\": 4, \"output_mode\": \"multi_hot\", \"sparse\": false")]
    [InlineData("Discretization", "\"bin_boundaries\": [0.0, 1.0], \"num_bins\": null, \"epsilon\": 0.01, \"output_mode\": \"int\", \"sparse\": false")]
    public void AKeras3ConfigLoads(string className, string keys) =>
        // InputLayer writes its own keys, not the base Layer's.
        Assert.Equal(className, Load(className, className == "InputLayer" ? "\"name\": \"x\"" : K3, keys).ClassName);

    [Fact]
    public void Keras3WrappersLoadWithTheirInnerLayersKeys()
    {
        // keras/src/layers/rnn/bidirectional.py get_config: merge_mode, layer, and backward_layer (always: the copy it
        // made, going backwards).
        string lstm = "{\"module\": \"keras.layers\", \"class_name\": \"LSTM\", \"config\": {" + K3 + ", " + Cell3 +
            ", \"recurrent_activation\": \"sigmoid\", \"unit_forget_bias\": true, " + Rnn3 + "}, \"registered_name\": null}";
        string backward = lstm.Replace("\"go_backwards\": false", "\"go_backwards\": true", StringComparison.Ordinal);
        Assert.IsType<Bidirectional>(Load("Bidirectional", K3,
            "\"merge_mode\": \"concat\", \"layer\": " + lstm + ", \"backward_layer\": " + backward));
        // keras/src/layers/core/wrapper.py and rnn/time_distributed.py get_config: layer; the inner Dense as Keras 3.1x writes it.
        string dense = "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {" + K3 +
            ", \"units\": 2, \"activation\": null, " + KernelBias3 + ", \"quantization_config\": null}, \"registered_name\": null}";
        Assert.IsType<TimeDistributed>(Load("TimeDistributed", K3, "\"layer\": " + dense));
        // keras/src/layers/normalization/spectral_normalization.py get_config: the wrapper's keys and power_iterations.
        Assert.IsType<SpectralNormalization>(Load("SpectralNormalization", K3, "\"layer\": " + dense + ", \"power_iterations\": 1"));
    }
}
