using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Resolves Keras layer class names ("Dense", "BatchNormalization") from model configs.</summary>
public abstract partial class Layer
{
    public static readonly Registry<Layer> Registry = new Registry<Layer>("layer")
        .Add("Dense", Dense.FromConfig)
        .Add("EinsumDense", EinsumDense.FromConfig)
        .Add("Activation", Activation.FromConfig)
        .Add("Dropout", Dropout.FromConfig)
        .Add("SpatialDropout1D", SpatialDropout1D.FromConfig)
        .Add("SpatialDropout2D", SpatialDropout2D.FromConfig)
        .Add("SpatialDropout3D", SpatialDropout3D.FromConfig)
        .Add("GaussianNoise", GaussianNoise.FromConfig)
        .Add("ActivityRegularization", ActivityRegularization.FromConfig)
        .Add("GaussianDropout", GaussianDropout.FromConfig)
        .Add("AlphaDropout", AlphaDropout.FromConfig)
        .Add("RandomFlip", RandomFlip.FromConfig)
        .Add("RandomRotation", RandomRotation.FromConfig)
        .Add("RandomZoom", RandomZoom.FromConfig)
        .Add("RandomTranslation", RandomTranslation.FromConfig)
        .Add("RandomShear", RandomShear.FromConfig)
        .Add("RandomErasing", RandomErasing.FromConfig)
        .Add("RandomContrast", RandomContrast.FromConfig)
        .Add("RandomBrightness", RandomBrightness.FromConfig)
        .Add("RandomGrayscale", RandomGrayscale.FromConfig)
        .Add("RandomInvert", RandomInvert.FromConfig)
        .Add("Solarization", Solarization.FromConfig)
        .Add("RandomPosterization", RandomPosterization.FromConfig)
        .Add("Resizing", Resizing.FromConfig)
        .Add("CenterCrop", CenterCrop.FromConfig)
        .Add("RandomCrop", RandomCrop.FromConfig)
        .Add("Flatten", Flatten.FromConfig)
        .Add("InputLayer", InputLayer.FromConfig)
        .Add("BatchNormalization", BatchNormalization.FromConfig)
        .Add("Normalization", Normalization.FromConfig)
        .Add("LayerNormalization", LayerNormalization.FromConfig)
        .Add("UnitNormalization", UnitNormalization.FromConfig)
        .Add("RMSNormalization", RMSNormalization.FromConfig)
        .Add("TFOpLambda", TFOpLambda.FromConfig)
        .Add("SlicingOpLambda", TFOpLambda.FromConfig)
        .Add("Identity", Identity.FromConfig)
        .Add("GroupNormalization", GroupNormalization.FromConfig)
        .Add("Rescaling", Rescaling.FromConfig)
        .Add("CategoryEncoding", CategoryEncoding.FromConfig)
        .Add("Discretization", Discretization.FromConfig)
        .Add("IntegerLookup", IntegerLookup.FromConfig)
        .Add("Add", Add.FromConfig)
        .Add("Subtract", Subtract.FromConfig)
        .Add("Multiply", Multiply.FromConfig)
        .Add("Average", Average.FromConfig)
        .Add("Maximum", Maximum.FromConfig)
        .Add("Minimum", Minimum.FromConfig)
        .Add("Concatenate", Concatenate.FromConfig)
        .Add("Dot", Dot.FromConfig)
        .Add("MultiHeadAttention", MultiHeadAttention.FromConfig)
        .Add("Attention", Attention.FromConfig)
        .Add("AdditiveAttention", AdditiveAttention.FromConfig)
        // Keras exports the aliases too (MaxPool2D is MaxPooling2D; Convolution2D is Keras 1/2's name for Conv2D).
        .Add("Conv1D", Conv1D.FromConfig, "Convolution1D")
        .Add("Conv2D", Conv2D.FromConfig, "Convolution2D")
        .Add("Conv3D", Conv3D.FromConfig, "Convolution3D")
        .Add("DepthwiseConv2D", DepthwiseConv2D.FromConfig)
        .Add("DepthwiseConv1D", DepthwiseConv1D.FromConfig)
        .Add("SeparableConv1D", SeparableConv1D.FromConfig, "SeparableConvolution1D")
        .Add("SeparableConv2D", SeparableConv2D.FromConfig, "SeparableConvolution2D")
        .Add("Conv2DTranspose", Conv2DTranspose.FromConfig, "Convolution2DTranspose")
        .Add("Conv1DTranspose", Conv1DTranspose.FromConfig, "Convolution1DTranspose")
        .Add("Conv3DTranspose", Conv3DTranspose.FromConfig, "Convolution3DTranspose")
        .Add("MaxPooling1D", MaxPooling1D.FromConfig, "MaxPool1D")
        .Add("MaxPooling2D", MaxPooling2D.FromConfig, "MaxPool2D")
        .Add("MaxPooling3D", MaxPooling3D.FromConfig, "MaxPool3D")
        .Add("AveragePooling1D", AveragePooling1D.FromConfig, "AvgPool1D")
        .Add("AveragePooling2D", AveragePooling2D.FromConfig, "AvgPool2D")
        .Add("AveragePooling3D", AveragePooling3D.FromConfig, "AvgPool3D")
        .Add("GlobalAveragePooling1D", GlobalAveragePooling1D.FromConfig, "GlobalAvgPool1D")
        .Add("GlobalAveragePooling2D", GlobalAveragePooling2D.FromConfig, "GlobalAvgPool2D")
        .Add("GlobalAveragePooling3D", GlobalAveragePooling3D.FromConfig, "GlobalAvgPool3D")
        .Add("GlobalMaxPooling1D", GlobalMaxPooling1D.FromConfig, "GlobalMaxPool1D")
        .Add("GlobalMaxPooling2D", GlobalMaxPooling2D.FromConfig, "GlobalMaxPool2D")
        .Add("GlobalMaxPooling3D", GlobalMaxPooling3D.FromConfig, "GlobalMaxPool3D")
        .Add("ZeroPadding1D", ZeroPadding1D.FromConfig)
        .Add("ZeroPadding2D", ZeroPadding2D.FromConfig)
        .Add("ZeroPadding3D", ZeroPadding3D.FromConfig)
        .Add("Cropping1D", Cropping1D.FromConfig)
        .Add("Cropping2D", Cropping2D.FromConfig)
        .Add("Cropping3D", Cropping3D.FromConfig)
        .Add("UpSampling1D", UpSampling1D.FromConfig)
        .Add("UpSampling2D", UpSampling2D.FromConfig)
        .Add("UpSampling3D", UpSampling3D.FromConfig)
        .Add("RepeatVector", RepeatVector.FromConfig)
        .Add("Permute", Permute.FromConfig)
        .Add("Reshape", Reshape.FromConfig)
        .Add("ReLU", ReLU.FromConfig)
        .Add("LeakyReLU", LeakyReLU.FromConfig)
        .Add("ELU", ELU.FromConfig)
        .Add("PReLU", PReLU.FromConfig)
        .Add("Softmax", Softmax.FromConfig)
        .Add("SimpleRNN", SimpleRNN.FromConfig)
        .Add("LSTM", LSTM.FromConfig)
        .Add("GRU", GRU.FromConfig)
        .Add("ConvLSTM1D", ConvLSTM1D.FromConfig)
        .Add("ConvLSTM2D", ConvLSTM2D.FromConfig)
        .Add("ConvLSTM3D", ConvLSTM3D.FromConfig)
        .Add("RNN", RnnCellConfig.FromConfig)
        .Add("Embedding", Embedding.FromConfig)
        .Add("Masking", Masking.FromConfig)
        .Add("Bidirectional", Bidirectional.FromConfig)
        .Add("TimeDistributed", TimeDistributed.FromConfig)
        .Add("SpectralNormalization", SpectralNormalization.FromConfig);

    /// <summary>Builds a layer from <c>{"class_name": ..., "config": ...}</c>.</summary>
    public static Layer Deserialize(Config spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        RefuseStringLayer(spec);
        // Keras's Layer constructor requires trainable to be a bool ("Expected `trainable` to be a boolean").
        if (spec.GetConfig("config") is { } settings) RefuseNull(settings, spec.GetString("class_name", null) ?? "?", "trainable");
        // The activity regularizer every Keras layer accepts is read here, for every class, and set after the class's
        // own FromConfig (which refuses the key, so that a direct call does not drop it).
        if (spec.GetConfig("config") is not { } config) return Registry.Deserialize(spec);
        string className = spec.GetString("class_name", null) ?? "?";
        CheckDType(config, className, $"Layer '{config.GetString("name", null) ?? "?"}' ({className})");
        Layer layer;
        if (!config.TryGet("activity_regularizer", out var activity)) layer = Registry.Deserialize(spec);
        else
        {
            var regularizer = Regularizers.Regularizer.Registry.Deserialize(activity!);
            var withoutIt = new Config(config) { ["activity_regularizer"] = null };
            layer = Registry.Deserialize(new Config(spec) { ["config"] = withoutIt });
            layer.ActivityRegularizer = regularizer;
        }
        // Every class's batch size, as Keras keeps it with the declared input shape.
        if (layer.DeclaredInputShape is not null && ReadBatchSize(config) is int batchSize)
            layer.declaredBatchSize = layer.CheckBatchSize(batchSize);
        return layer;
    }

    /// <summary>Keras's string layers take string tensors, which Nabla's float32 graphs do not carry: a model holding one is
    /// refused, naming it and the object that runs it outside the model, as Keras's own text tutorial does.</summary>
    internal static void RefuseStringLayers(IEnumerable<object?> specs)
    {
        // Before any layer is built: the string InputLayer that feeds the string layer would be refused first, for its dtype.
        foreach (var spec in specs)
            if (spec is Config c) RefuseStringLayer(c);
    }

    private static void RefuseStringLayer(Config spec)
    {
        if (spec.GetString("class_name", null) is not { } className || className is not ("StringLookup" or "TextVectorization")) return;
        string name = spec.GetConfig("config")?.GetString("name", null) ?? "?";
        throw new NotSupportedException(
            $"Layer '{name}' is a {className}, which maps strings; Nabla's models carry float32 tensors only, so it cannot be a layer " +
            $"of the model. Run it outside the model with Nabla.Layers.{className}.FromConfig(its config) and feed the model its " +
            "output (the ids), as Keras's text tutorial does in its tf.data pipeline; load the rest of the model without it.");
    }

    /// <summary>Layers whose integer dtype is the integer values they take or make.</summary>
    private static readonly HashSet<string> IntegerValued = ["InputLayer", "Discretization", "IntegerLookup", "CategoryEncoding"];

    private static readonly HashSet<string> IntegerDTypes = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"];

    /// <summary>Refuses a dtype other than float32 (a string, or a DTypePolicy object as Keras 3 writes it), but for an
    /// integer one where Keras gives a layer integer values (token ids, a preprocessing layer's indices or counts, which
    /// Nabla carries as float32, exactly up to 2^24).</summary>
    internal static void CheckDType(Config config, string className, string where)
    {
        if (!config.TryGet("dtype", out var dtype)) return;
        string? name = dtype switch
        {
            string s => s,
            Config policy when policy.GetConfig("config") is { } inner => inner.GetString("name", null),
            _ => null,
        };
        if (name != "float32" && !(name is not null && IntegerDTypes.Contains(name) && IntegerValued.Contains(className)))
            throw new NotSupportedException($"{where}: 'dtype' is {Config.Describe(name ?? dtype)}; Nabla computes in float32 only.");
    }

    /// <summary>A new, unbuilt layer from this one's config: same class and settings, its own fresh weights (how a
    /// model is rebuilt around its layers without sharing them).</summary>
    internal Layer FreshCopy() => Deserialize(Registry<Layer>.Serialize(this));

    /// <summary>Makes a custom layer loadable from configs by its class name (and any aliases), as Keras's
    /// <c>register_keras_serializable</c>: <c>Layer.Register("MyLayer", MyLayer.FromConfig)</c>.</summary>
    public static void Register(string className, Func<Config, Layer> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}
