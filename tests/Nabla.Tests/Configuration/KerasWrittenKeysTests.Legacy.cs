using Nabla.Layers;

namespace Nabla.Tests.ConfigurationKeys;

/// <summary>The tf.keras 2 / Keras 2 and TensorFlow.js rows: the keys those write, with their defaults.</summary>
public partial class KerasWrittenKeysTests
{
    // tf.keras 2: keras/engine/base_layer.py get_config (name, trainable, dtype; batch_input_shape on a first layer).
    // TensorFlow.js: tfjs-layers/src/engine/topology.ts getConfig writes the same keys (camelCase converted to snake_case).
    private const string K2 = "\"name\": \"x\", \"trainable\": true, \"dtype\": \"float32\"";

    private const string Glorot2 = "{\"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}}";
    private const string Orth2 = "{\"class_name\": \"Orthogonal\", \"config\": {\"gain\": 1.0, \"seed\": null}}";
    private const string Zeros2 = "{\"class_name\": \"Zeros\", \"config\": {}}";
    private const string Ones2 = "{\"class_name\": \"Ones\", \"config\": {}}";
    private const string Uniform2 = "{\"class_name\": \"RandomUniform\", \"config\": {\"minval\": -0.05, \"maxval\": 0.05, \"seed\": null}}";

    private const string KernelBias2 = "\"use_bias\": true, \"kernel_initializer\": " + Glorot2 + ", \"bias_initializer\": " + Zeros2 +
        ", \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null";

    private const string Cell2 = "\"units\": 3, \"activation\": \"tanh\", \"use_bias\": true, \"kernel_initializer\": " + Glorot2 +
        ", \"recurrent_initializer\": " + Orth2 + ", \"bias_initializer\": " + Zeros2 +
        ", \"kernel_regularizer\": null, \"recurrent_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null" +
        ", \"kernel_constraint\": null, \"recurrent_constraint\": null, \"bias_constraint\": null, \"dropout\": 0.0, \"recurrent_dropout\": 0.0";

    // keras/layers/recurrent.py (tf.keras 2) RNN.get_config; TF.js tfjs-layers/src/layers/recurrent.ts RNN.getConfig
    // writes the same without time_major.
    private const string Rnn2 = "\"return_sequences\": false, \"return_state\": false, \"go_backwards\": false, \"stateful\": false, \"unroll\": false, \"time_major\": false";
    private const string RnnTfjs = "\"return_sequences\": false, \"return_state\": false, \"go_backwards\": false, \"stateful\": false, \"unroll\": false";

    [Theory]
    // keras/engine/input_layer.py get_config
    [InlineData("InputLayer", "\"batch_input_shape\": [null, 4], \"sparse\": false, \"ragged\": false")]
    // keras/layers/core/dense.py get_config
    [InlineData("Dense", "\"units\": 2, \"activation\": \"linear\", \"batch_input_shape\": [null, 4], " + KernelBias2)]
    // tf_keras/layers/core/einsum_dense.py get_config (no use_bias: bias_axes decides)
    [InlineData("EinsumDense", "\"output_shape\": [4], \"equation\": \"ab,bc->ac\", \"activation\": \"linear\", \"bias_axes\": null, \"kernel_initializer\": " + Glorot2 + ", \"bias_initializer\": " + Zeros2 + ", \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null")]
    // keras/layers/convolutional/base_conv.py get_config (groups since 2.3)
    [InlineData("Conv1D", "\"filters\": 2, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1], \"groups\": 1, \"activation\": \"linear\", " + KernelBias2)]
    [InlineData("Conv2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"linear\", " + KernelBias2)]
    [InlineData("Conv3D", "\"filters\": 2, \"kernel_size\": [3, 3, 3], \"strides\": [1, 1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1, 1], \"groups\": 1, \"activation\": \"linear\", " + KernelBias2)]
    // keras/layers/convolutional/conv2d_transpose.py get_config (Conv's keys, groups included, + output_padding)
    [InlineData("Conv2DTranspose", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"linear\", \"output_padding\": null, " + KernelBias2)]
    // keras/layers/convolutional/base_depthwise_conv.py get_config: Conv's keys without filters and kernel_*, groups kept
    [InlineData("DepthwiseConv2D", "\"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"linear\", \"use_bias\": true, \"bias_initializer\": " + Zeros2 + ", \"bias_regularizer\": null, \"activity_regularizer\": null, \"bias_constraint\": null, \"depth_multiplier\": 1, \"depthwise_initializer\": " + Glorot2 + ", \"depthwise_regularizer\": null, \"depthwise_constraint\": null")]
    // keras/layers/convolutional/base_separable_conv.py get_config: Conv's keys without kernel_*, groups kept
    [InlineData("SeparableConv2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"groups\": 1, \"activation\": \"linear\", \"use_bias\": true, \"bias_initializer\": " + Zeros2 + ", \"bias_regularizer\": null, \"activity_regularizer\": null, \"bias_constraint\": null, \"depth_multiplier\": 1, \"depthwise_initializer\": " + Glorot2 + ", \"pointwise_initializer\": " + Glorot2 + ", \"depthwise_regularizer\": null, \"pointwise_regularizer\": null, \"depthwise_constraint\": null, \"pointwise_constraint\": null")]
    // keras/layers/normalization/batch_normalization.py BatchNormalizationBase.get_config (renorm and
    // virtual_batch_size only when set)
    [InlineData("BatchNormalization", "\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros2 + ", \"gamma_initializer\": " + Ones2 + ", \"moving_mean_initializer\": " + Zeros2 + ", \"moving_variance_initializer\": " + Ones2 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null")]
    // keras/layers/normalization/layer_normalization.py get_config
    [InlineData("LayerNormalization", "\"axis\": [-1], \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros2 + ", \"gamma_initializer\": " + Ones2 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null")]
    // keras/layers/regularization/dropout.py get_config (SpatialDropout*D inherit it unchanged)
    [InlineData("Dropout", "\"rate\": 0.5, \"noise_shape\": null, \"seed\": null")]
    [InlineData("SpatialDropout1D", "\"rate\": 0.5, \"noise_shape\": null, \"seed\": null")]
    [InlineData("SpatialDropout2D", "\"rate\": 0.5, \"noise_shape\": null, \"seed\": null")]
    [InlineData("GaussianNoise", "\"stddev\": 0.1, \"seed\": null")]
    [InlineData("GaussianDropout", "\"rate\": 0.1, \"seed\": null")]
    [InlineData("AlphaDropout", "\"rate\": 0.1, \"seed\": null")]
    // keras/layers/core/embedding.py get_config (input_length is Keras 2's)
    [InlineData("Embedding", "\"input_dim\": 10, \"output_dim\": 4, \"embeddings_initializer\": " + Uniform2 + ", \"embeddings_regularizer\": null, \"activity_regularizer\": null, \"embeddings_constraint\": null, \"mask_zero\": false, \"input_length\": null")]
    // keras/layers/rnn/simple_rnn.py, lstm.py, gru.py get_config (+ base_rnn.py's keys; implementation in LSTM and GRU)
    [InlineData("SimpleRNN", Cell2 + ", " + Rnn2)]
    [InlineData("LSTM", Cell2 + ", \"recurrent_activation\": \"sigmoid\", \"unit_forget_bias\": true, \"implementation\": 2, " + Rnn2)]
    [InlineData("GRU", Cell2 + ", \"recurrent_activation\": \"sigmoid\", \"reset_after\": true, \"implementation\": 2, " + Rnn2)]
    // keras/layers/rnn/conv_lstm2d.py (base_conv_lstm.py) get_config, + base_conv_rnn.py's RNN keys
    [InlineData("ConvLSTM2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"tanh\", \"recurrent_activation\": \"hard_sigmoid\", \"use_bias\": true, \"kernel_initializer\": " + Glorot2 + ", \"recurrent_initializer\": " + Orth2 + ", \"bias_initializer\": " + Zeros2 + ", \"unit_forget_bias\": true, \"kernel_regularizer\": null, \"recurrent_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"recurrent_constraint\": null, \"bias_constraint\": null, \"dropout\": 0.0, \"recurrent_dropout\": 0.0, " + Rnn2)]
    // keras/layers/rnn/base_rnn.py get_config with the cell as lstm.py's LSTMCell.get_config writes it (implementation included)
    [InlineData("RNN", "\"cell\": {\"class_name\": \"LSTMCell\", \"config\": {" + K2 + ", " + Cell2 + ", \"recurrent_activation\": \"sigmoid\", \"unit_forget_bias\": true, \"implementation\": 2}}, " + Rnn2)]
    // keras/layers/core/tf_op_layer.py TFOpLambda.get_config and SlicingOpLambda (tf.keras 2 functional models)
    [InlineData("TFOpLambda", "\"function\": \"math.multiply\"")]
    [InlineData("SlicingOpLambda", "\"function\": \"__operators__.getitem\"")]
    // keras/layers/pooling/base_pooling*.py, base_global_pooling*.py get_config
    [InlineData("MaxPooling2D", "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("AveragePooling1D", "\"pool_size\": [2], \"padding\": \"valid\", \"strides\": [2], \"data_format\": \"channels_last\"")]
    [InlineData("GlobalAveragePooling2D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    [InlineData("GlobalMaxPooling1D", "\"data_format\": \"channels_last\", \"keepdims\": false")]
    // keras/layers/activation/leaky_relu.py (alpha), relu.py, elu.py, softmax.py get_config
    [InlineData("LeakyReLU", "\"alpha\": 0.3")]
    [InlineData("ReLU", "\"max_value\": null, \"negative_slope\": 0.0, \"threshold\": 0.0")]
    [InlineData("ELU", "\"alpha\": 1.0")]
    [InlineData("Softmax", "\"axis\": -1")]
    // keras/layers/attention/multi_head_attention.py get_config (query_shape, key_shape, value_shape since 2.10)
    [InlineData("MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 4, \"value_dim\": 4, \"dropout\": 0.0, \"use_bias\": true, \"output_shape\": null, \"attention_axes\": [1], \"kernel_initializer\": " + Glorot2 + ", \"bias_initializer\": " + Zeros2 + ", \"kernel_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null, \"query_shape\": [null, 5, 8], \"key_shape\": [null, 5, 8], \"value_shape\": [null, 5, 8]")]
    // keras/layers/attention/attention.py and base_dense_attention.py get_config
    [InlineData("Attention", "\"use_scale\": false, \"score_mode\": \"dot\", \"dropout\": 0.0")]
    [InlineData("AdditiveAttention", "\"use_scale\": true, \"dropout\": 0.0")]
    // tf.keras 2.4-2.9 dense_attention.py BaseDenseAttention.get_config: causal, dropout
    [InlineData("Attention", "\"use_scale\": false, \"causal\": false, \"dropout\": 0.0")]
    [InlineData("AdditiveAttention", "\"use_scale\": true, \"causal\": false, \"dropout\": 0.0")]
    // keras/layers/preprocessing/normalization.py, image_preprocessing.py get_config
    [InlineData("Normalization", "\"axis\": [-1], \"invert\": false, \"mean\": [0.5, 1.0], \"variance\": [1.0, 4.0]")]
    [InlineData("Rescaling", "\"scale\": 0.00392156862745098, \"offset\": 0.0")]
    [InlineData("RandomFlip", "\"mode\": \"horizontal_and_vertical\", \"seed\": null")]
    [InlineData("RandomRotation", "\"factor\": 0.1, \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null")]
    [InlineData("RandomZoom", "\"height_factor\": 0.1, \"width_factor\": null, \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null")]
    [InlineData("RandomTranslation", "\"height_factor\": 0.1, \"width_factor\": 0.1, \"fill_mode\": \"reflect\", \"fill_value\": 0.0, \"interpolation\": \"bilinear\", \"seed\": null")]
    [InlineData("RandomContrast", "\"factor\": 0.1, \"seed\": null")]
    [InlineData("RandomBrightness", "\"factor\": 0.1, \"value_range\": [0, 255], \"seed\": null")]
    [InlineData("Resizing", "\"height\": 4, \"width\": 4, \"interpolation\": \"bilinear\", \"crop_to_aspect_ratio\": false")]
    [InlineData("CenterCrop", "\"height\": 4, \"width\": 4")]
    // tf_keras/layers/preprocessing/image_preprocessing.py RandomCrop.get_config (seed as given)
    [InlineData("RandomCrop", "\"height\": 4, \"width\": 4, \"seed\": null")]
    // tf_keras/layers/normalization/group_normalization.py, unit_normalization.py get_config
    [InlineData("GroupNormalization", "\"groups\": 2, \"axis\": -1, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros2 + ", \"gamma_initializer\": " + Ones2 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null")]
    [InlineData("UnitNormalization", "\"axis\": -1")]
    // tf_keras/layers/preprocessing/category_encoding.py get_config (dtype: floatx, as its __init__ sets)
    [InlineData("CategoryEncoding", "\"num_tokens\": 4, \"output_mode\": \"multi_hot\", \"sparse\": false")]
    // TF 2.4 tensorflow/python/keras/layers/preprocessing/category_encoding.py get_config: output_mode "binary"
    [InlineData("CategoryEncoding", "\"num_tokens\": 4, \"output_mode\": \"binary\", \"sparse\": false")]
    public void AKeras2ConfigLoads(string className, string keys) =>
        Assert.Equal(className, Load(className, K2, keys).ClassName);

    [Theory]
    // tf_keras/layers/preprocessing/discretization.py get_config; its __init__ sets dtype int64 for "int" outputs.
    [InlineData("Discretization", "\"bin_boundaries\": [0.0, 1.0], \"num_bins\": null, \"epsilon\": 0.01, \"output_mode\": \"int\", \"sparse\": false")]
    // ... adapted: bin_boundaries is the argument given (None), the boundaries live in the "summary" weight.
    [InlineData("Discretization", "\"bin_boundaries\": null, \"num_bins\": 4, \"epsilon\": 0.01, \"output_mode\": \"int\", \"sparse\": false")]
    // tf_keras/layers/preprocessing/index_lookup.py IndexLookup.get_config (IntegerLookup adds nothing); dtype int64 as
    // index_lookup.py's __init__ sets for "int" outputs.
    [InlineData("IntegerLookup", "\"invert\": false, \"max_tokens\": null, \"num_oov_indices\": 1, \"oov_token\": -1, \"mask_token\": null, \"output_mode\": \"int\", \"sparse\": false, \"pad_to_max_tokens\": false, \"vocabulary_dtype\": \"int64\", \"idf_weights\": null, \"vocabulary\": [3, 5, 7], \"vocabulary_size\": 4")]
    // TF 2.4 tensorflow/python/keras/layers/preprocessing/integer_lookup.py get_config: IndexLookup's keys (invert,
    // num_oov_indices, ...) with max_tokens, mask_token and oov_token renamed max_values, mask_value and oov_value
    [InlineData("IntegerLookup", "\"invert\": false, \"num_oov_indices\": 1, \"max_values\": null, \"mask_value\": 0, \"oov_value\": -1")]
    public void AnIntegerValuedKeras2ConfigLoads(string className, string keys) =>
        Assert.Equal(className, Load(className, "\"name\": \"x\", \"trainable\": true, \"dtype\": \"int64\"", keys).ClassName);

    [Theory]
    // tfjs-layers/src/layers/core.ts Dense.getConfig
    [InlineData("Dense", "\"units\": 2, \"activation\": \"linear\", \"batch_input_shape\": [null, 4], " + KernelBias2)]
    // tfjs-layers/src/layers/convolutional.ts BaseConv, Conv getConfig (no groups)
    [InlineData("Conv2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"linear\", " + KernelBias2)]
    [InlineData("Conv1D", "\"filters\": 2, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1], \"activation\": \"linear\", " + KernelBias2)]
    // tfjs-layers/src/layers/convolutional_depthwise.ts getConfig: BaseConv's keys + depthwise_*
    [InlineData("DepthwiseConv2D", "\"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"linear\", \"use_bias\": true, \"bias_initializer\": " + Zeros2 + ", \"bias_regularizer\": null, \"activity_regularizer\": null, \"bias_constraint\": null, \"depth_multiplier\": 1, \"depthwise_initializer\": " + Glorot2 + ", \"depthwise_regularizer\": null, \"depthwise_constraint\": null")]
    // tfjs-layers/src/layers/convolutional.ts SeparableConv.getConfig
    [InlineData("SeparableConv2D", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1], \"activation\": \"linear\", \"use_bias\": true, \"bias_initializer\": " + Zeros2 + ", \"bias_regularizer\": null, \"activity_regularizer\": null, \"bias_constraint\": null, \"depth_multiplier\": 1, \"depthwise_initializer\": " + Glorot2 + ", \"pointwise_initializer\": " + Glorot2 + ", \"depthwise_regularizer\": null, \"pointwise_regularizer\": null, \"depthwise_constraint\": null, \"pointwise_constraint\": null")]
    // tfjs-layers/src/layers/normalization.ts BatchNormalization, LayerNormalization getConfig
    [InlineData("BatchNormalization", "\"axis\": -1, \"momentum\": 0.99, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros2 + ", \"gamma_initializer\": " + Ones2 + ", \"moving_mean_initializer\": " + Zeros2 + ", \"moving_variance_initializer\": " + Ones2 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null, \"beta_constraint\": null, \"gamma_constraint\": null")]
    [InlineData("LayerNormalization", "\"axis\": -1, \"epsilon\": 0.001, \"center\": true, \"scale\": true, \"beta_initializer\": " + Zeros2 + ", \"gamma_initializer\": " + Ones2 + ", \"beta_regularizer\": null, \"gamma_regularizer\": null")]
    // tfjs-layers/src/layers/core.ts Dropout, SpatialDropout1D, Flatten, Activation, RepeatVector, Reshape, Permute, Masking
    [InlineData("Dropout", "\"rate\": 0.5, \"noise_shape\": null, \"seed\": null")]
    [InlineData("SpatialDropout1D", "\"rate\": 0.5, \"noise_shape\": null, \"seed\": null")]
    [InlineData("Flatten", "\"data_format\": \"channels_last\"")]
    [InlineData("Activation", "\"activation\": \"relu\"")]
    [InlineData("RepeatVector", "\"n\": 2")]
    [InlineData("Reshape", "\"target_shape\": [2, 2]")]
    [InlineData("Permute", "\"dims\": [2, 1]")]
    [InlineData("Masking", "\"mask_value\": 0.0")]
    // tfjs-layers/src/layers/noise.ts getConfig
    [InlineData("GaussianNoise", "\"stddev\": 0.1")]
    [InlineData("GaussianDropout", "\"rate\": 0.1")]
    [InlineData("AlphaDropout", "\"rate\": 0.1, \"noise_shape\": null")]
    // tfjs-layers/src/layers/embeddings.ts Embedding.getConfig
    [InlineData("Embedding", "\"input_dim\": 10, \"output_dim\": 4, \"embeddings_initializer\": " + Uniform2 + ", \"embeddings_regularizer\": null, \"activity_regularizer\": null, \"embeddings_constraint\": null, \"mask_zero\": false, \"input_length\": null")]
    // tfjs-layers/src/layers/recurrent.ts SimpleRNN, LSTM, GRU getConfig (+ RNN.getConfig)
    [InlineData("SimpleRNN", Cell2 + ", " + RnnTfjs)]
    [InlineData("LSTM", Cell2 + ", \"recurrent_activation\": \"hard_sigmoid\", \"unit_forget_bias\": true, \"implementation\": 1, " + RnnTfjs)]
    [InlineData("GRU", Cell2 + ", \"recurrent_activation\": \"hard_sigmoid\", \"reset_after\": false, \"implementation\": 1, " + RnnTfjs)]
    // tfjs-layers/src/layers/pooling.ts Pooling1D/2D, GlobalPooling getConfig
    [InlineData("MaxPooling1D", "\"pool_size\": [2], \"padding\": \"valid\", \"strides\": [2]")]
    [InlineData("MaxPooling2D", "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("AveragePooling2D", "\"pool_size\": [2, 2], \"padding\": \"valid\", \"strides\": [2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("GlobalAveragePooling2D", "\"data_format\": \"channels_last\"")]
    [InlineData("GlobalMaxPooling1D", "")]
    // tfjs-layers/src/layers/advanced_activations.ts getConfig
    [InlineData("LeakyReLU", "\"alpha\": 0.3")]
    [InlineData("ReLU", "\"max_value\": null")]
    [InlineData("ELU", "\"alpha\": 1.0")]
    [InlineData("Softmax", "\"axis\": -1")]
    [InlineData("PReLU", "\"alpha_initializer\": " + Zeros2 + ", \"alpha_regularizer\": null, \"alpha_constraint\": null, \"shared_axes\": null")]
    // tfjs-layers/src/layers/merge.ts Concatenate, Dot getConfig
    [InlineData("Concatenate", "\"axis\": -1")]
    [InlineData("Dot", "\"axes\": -1, \"normalize\": false")]
    // tfjs-layers/src/layers/padding.ts, convolutional.ts UpSampling2D, Cropping2D getConfig
    [InlineData("ZeroPadding2D", "\"padding\": [[1, 1], [1, 1]], \"data_format\": \"channels_last\"")]
    [InlineData("UpSampling2D", "\"size\": [2, 2], \"data_format\": \"channels_last\", \"interpolation\": \"nearest\"")]
    [InlineData("Cropping2D", "\"cropping\": [[1, 1], [1, 1]], \"data_format\": \"channels_last\"")]
    // tfjs-layers/src/layers/preprocessing/image_preprocessing.ts, center_crop.ts getConfig (TF.js has no RandomCrop)
    [InlineData("Rescaling", "\"scale\": 0.00392156862745098, \"offset\": 0.0")]
    [InlineData("Resizing", "\"height\": 4, \"width\": 4, \"interpolation\": \"bilinear\", \"crop_to_aspect_ratio\": false")]
    [InlineData("CenterCrop", "\"height\": 4, \"width\": 4")]
    // tfjs-layers/src/layers/convolutional.ts Conv3D (Conv + BaseConv getConfig); Conv2DTranspose and Conv3DTranspose
    // delete dilationRate and write no output_padding
    [InlineData("Conv3D", "\"filters\": 2, \"kernel_size\": [3, 3, 3], \"strides\": [1, 1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"dilation_rate\": [1, 1, 1], \"activation\": \"linear\", " + KernelBias2)]
    [InlineData("Conv2DTranspose", "\"filters\": 2, \"kernel_size\": [3, 3], \"strides\": [2, 2], \"padding\": \"same\", \"data_format\": \"channels_last\", \"activation\": \"linear\", " + KernelBias2)]
    [InlineData("Conv3DTranspose", "\"filters\": 2, \"kernel_size\": [3, 3, 3], \"strides\": [1, 1, 1], \"padding\": \"valid\", \"data_format\": \"channels_last\", \"activation\": \"linear\", " + KernelBias2)]
    // tfjs-layers/src/layers/pooling.ts Pooling3D.getConfig (TF.js has no GlobalPooling3D, GroupNormalization,
    // UnitNormalization, Discretization or IntegerLookup)
    [InlineData("MaxPooling3D", "\"pool_size\": [2, 2, 2], \"padding\": \"valid\", \"strides\": [2, 2, 2], \"data_format\": \"channels_last\"")]
    [InlineData("AveragePooling3D", "\"pool_size\": [2, 2, 2], \"padding\": \"valid\", \"strides\": [2, 2, 2], \"data_format\": \"channels_last\"")]
    // tfjs-layers/src/layers/preprocessing/category_encoding.ts getConfig (outputMode "multiHot", snake-cased on save)
    [InlineData("CategoryEncoding", "\"num_tokens\": 4, \"output_mode\": \"multi_hot\"")]
    public void ATensorFlowJsConfigLoads(string className, string keys) =>
        Assert.Equal(className, Load(className, K2, keys).ClassName);

    [Fact]
    public void OlderPreprocessingConfigsMeanWhatTheirKerasMeant()
    {
        // Keras 3.0-3.5 random_contrast.py wrote no value_range and always clipped to [0, 255].
        var contrast = (RandomContrast)Load("RandomContrast", K3, "\"factor\": 0.1, \"seed\": null");
        Assert.Equal((0.0, 255.0), contrast.ValueRange);
        // ... random_brightness.py wrote the factor as the sorted [lower, upper] it drew from.
        var brightness = (RandomBrightness)Load("RandomBrightness", K3, "\"factor\": [-0.1, 0.1], \"value_range\": [0, 255], \"seed\": null");
        Assert.Equal((-0.1, 0.1), brightness.Factor);
        // TF 2.4 integer_lookup.py: mask_value is mask_token.
        var lookup = (IntegerLookup)Load("IntegerLookup", "\"name\": \"x\", \"dtype\": \"int64\"", "\"max_values\": null, \"mask_value\": 0, \"oov_value\": -1");
        Assert.Equal(0L, lookup.MaskToken);
        Assert.Equal(-1L, lookup.OovToken);
        // tf.keras 2 discretization.py, adapted: no boundaries in the config, num_bins kept.
        var bins = (Discretization)Load("Discretization", "\"name\": \"x\", \"dtype\": \"int64\"", "\"bin_boundaries\": null, \"num_bins\": 4");
        Assert.Null(bins.BinBoundaries);
        Assert.Equal(4, bins.NumBins);
    }

    [Fact]
    public void Keras2AndTfjsWrappersLoad()
    {
        // keras/layers/rnn/bidirectional.py get_config; tfjs-layers/src/layers/wrappers.ts Bidirectional.getConfig
        string lstm = "{\"class_name\": \"LSTM\", \"config\": {" + K2 + ", " + Cell2 +
            ", \"recurrent_activation\": \"sigmoid\", \"unit_forget_bias\": true, \"implementation\": 2, " + Rnn2 + "}}";
        Assert.IsType<Bidirectional>(Load("Bidirectional", K2, "\"merge_mode\": \"concat\", \"layer\": " + lstm));
        // keras/layers/rnn/time_distributed.py (base_wrapper.py) get_config
        string dense = "{\"class_name\": \"Dense\", \"config\": {" + K2 + ", \"units\": 2, \"activation\": \"linear\", " + KernelBias2 + "}}";
        Assert.IsType<TimeDistributed>(Load("TimeDistributed", K2, "\"layer\": " + dense));
    }
}
