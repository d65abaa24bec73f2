using Nabla.Configuration;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes each Nabla layer in inference mode as ONNX operators that compute what <c>Model.Predict</c>
/// computes: the dropout and Gaussian noise layers are the identity, batch normalization uses the moving statistics.
/// </summary>
internal static class OnnxLayers
{
    /// <summary>The layer classes the exporter writes.</summary>
    public static readonly string[] Supported =
        ["InputLayer", "Identity", "Dense", "EinsumDense", "Activation", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "RandomFlip", "RandomRotation", "RandomZoom", "RandomTranslation", "RandomShear", "RandomErasing", "RandomContrast", "RandomBrightness", "RandomGrayscale", "RandomInvert", "Solarization", "RandomPosterization", "Flatten", "Rescaling", "Normalization",
         "BatchNormalization", "LayerNormalization", "UnitNormalization", "RMSNormalization", "Embedding", "TimeDistributed", "Resizing", "CenterCrop", "RandomCrop",
         "Conv1D", "Conv2D", "MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D", "GlobalAveragePooling1D",
         "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "ZeroPadding2D", "Reshape", "ReLU", "LeakyReLU", "Softmax",
         "SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Cropping1D", "Cropping2D", "ZeroPadding1D", "Permute", "RepeatVector", "UpSampling1D", "UpSampling2D",
         "PReLU", "ELU", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D", "Conv1DTranspose", "Conv2DTranspose",
         "Conv3D", "Conv3DTranspose", "MaxPooling3D", "AveragePooling3D", "GlobalAveragePooling3D", "GlobalMaxPooling3D", "ZeroPadding3D", "Cropping3D", "UpSampling3D",
         "SpectralNormalization"];

    /// <summary>Throws <see cref="NotSupportedException"/> when a layer (or its activation) cannot be written.</summary>
    public static void Check(Layer layer)
    {
        // At inference SpectralNormalization is its wrapped layer with the current (already normalized) kernel.
        if (layer is SpectralNormalization spectral)
        {
            Check(spectral.Layer);
            return;
        }
        if (layer is RNN rnn)
            throw new NotSupportedException(
                $"ONNX export: layer '{rnn.Name}' (RNN) runs the user's cell '{rnn.Cell.Name}' ({rnn.Cell.ClassName}), whose step is " +
                "C# code; RNN is written over Keras's own cells (LSTMCell, GRUCell, SimpleRNNCell) only.");
        if (layer is not (InputLayer or Layers.Identity or Dense or EinsumDense or Layers.Activation or TrainingNoiseLayer or Flatten or Rescaling or Normalization
                or BatchNormalization or LayerNormalization or UnitNormalization or RMSNormalization or Embedding or TimeDistributed)
            && !OnnxConvLayers.Handles(layer) && !OnnxRecurrentLayers.Handles(layer) && !OnnxReshapingLayers.Handles(layer)
            && !OnnxSpecialConvLayers.Handles(layer) && !OnnxConvLstm.Handles(layer))
            throw new NotSupportedException(
                $"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written; supported layers: " +
                $"{string.Join(", ", Supported.Concat(OnnxMergeLayers.Supported))}, Masking whose mask no layer reads, MultiHeadAttention, " +
                "Attention and AdditiveAttention on sequences, and nested Sequential or " +
                "functional models.");
        var activation = layer switch
        {
            Dense d => d.Activation,
            EinsumDense e => e.Activation,
            Layers.Activation a => a.Function,
            _ => OnnxConvLayers.ActivationOf(layer) ?? OnnxSpecialConvLayers.ActivationOf(layer),
        };
        if (layer is BaseConv or BaseDepthwiseConv or BasePooling && layer.InputShape is { } shape && Array.IndexOf(shape, Layer.UnknownDimension) >= 0)
            throw new NotSupportedException(
                $"ONNX export: layer '{layer.Name}' ({layer.ClassName}) has an input axis of unknown length (None), so its padding " +
                "comes with each call's data; give the Input a fixed length to export it.");
        if (layer is Embedding { MaskZero: true })
            throw new NotSupportedException(
                $"ONNX export: layer '{layer.Name}' (Embedding) has mask_zero: the layers after it read its mask, which ONNX values do not carry.");
        if (layer is TimeDistributed wrapper)
        {
            if (wrapper.InputShape![0] == Layer.UnknownDimension)
                throw new NotSupportedException(
                    $"ONNX export: layer '{layer.Name}' (TimeDistributed) has an unknown number of steps; give the Input a fixed length to export it.");
            Check(wrapper.Layer);
            return;
        }
        if (layer is RecurrentLayer recurrent)
        {
            OnnxRecurrentLayers.Check(recurrent);
            return;
        }
        if (layer is ConvLSTM convLstm)
        {
            OnnxConvLstm.Check(convLstm);
            return;
        }
        if (layer is StackedRecurrent stacked)
        {
            OnnxRecurrentLayers.Check(stacked);
            return;
        }
        if (layer is Bidirectional bidirectional)
        {
            OnnxRecurrentLayers.Check(bidirectional);
            return;
        }
        if (activation is not null && !OnnxActivations.Supported.Contains(activation.Name))
            throw new NotSupportedException(
                $"ONNX export: layer '{layer.Name}' uses activation '{activation.Name}' ({activation.GetType().Name}), " +
                $"which the exporter cannot write; supported activations: {string.Join(", ", OnnxActivations.Supported)}.");
        if (layer is Normalization { IsAdapted: false })
            throw new InvalidOperationException(
                $"ONNX export: layer '{layer.Name}' (Normalization) has no statistics yet; call Adapt(x) before exporting.");
    }

    /// <summary>Appends the layer's nodes after value <paramref name="x"/>; returns the layer's output value. A layer that
    /// computes channels-last on inputs in another layout (<see cref="Layer.ChannelsLastOrder"/>) is written as Nabla runs it:
    /// a Transpose, its channels-last nodes, and the Transpose back that its output's rank calls for (none for a rank
    /// without channels to move, a global pooling's [batch, channels]).</summary>
    public static string Emit(OnnxGraphBuilder g, Layer layer, string x)
    {
        if (layer.InputShape is not { } shape || layer.ChannelsLastOrder(shape.Length + 1) is not { } order) return EmitChannelsLast(g, layer, x);
        string y = EmitChannelsLast(g, layer, g.Node("Transpose", layer.Name, [x], Ints("perm", [.. order.Select(a => (long)a)])));
        return layer.ChannelsLastOrder(layer.OutputShape!.Length + 1) is { } back
            ? g.Node("Transpose", layer.Name, [y], Ints("perm", [.. Tensor.InversePermutation(back).Select(a => (long)a)]))
            : y;
    }

    /// <summary>A layer's per-sample shape as its channels-last nodes see it: moved by its <see cref="Layer.ChannelsLastOrder"/>.</summary>
    internal static int[] ChannelsLastShape(Layer layer, int[] perSample) =>
        layer.ChannelsLastOrder(perSample.Length + 1) is { } order ? [.. order[1..].Select(a => perSample[a - 1])] : perSample;

    private static string EmitChannelsLast(OnnxGraphBuilder g, Layer layer, string x) => layer switch
    {
        // RandomCrop changes the image in inference too (OnnxReshapingLayers).
        InputLayer or Layers.Identity or TrainingNoiseLayer and not RandomCrop => x,
        SpectralNormalization spectral => Emit(g, spectral.Layer, x),
        Dense dense => EmitDense(g, dense, x),
        EinsumDense einsum => EmitEinsumDense(g, einsum, x),
        Layers.Activation a => OnnxActivations.Emit(g, a.Function, x, a.Name, a.Name),
        // Flatten(axis=1) keeps the batch axis and joins the rest, as Keras's Flatten.
        Flatten f => g.Node("Flatten", f.Name, [x], Int("axis", 1)),
        Rescaling r => g.Node("Add", r.Name,
            [g.Node("Mul", r.Name, [x, Channelwise(g, $"{r.Name}/scale", r.Scale)]), Channelwise(g, $"{r.Name}/offset", r.Offset)]),
        Normalization n => EmitNormalization(g, n, x),
        BatchNormalization bn => EmitBatchNormalization(g, bn, x),
        // ONNX's LayerNormalization (opset 17) normalizes from 'axis' to the last axis, as Nabla's trailing axes.
        LayerNormalization ln => g.Node("LayerNormalization", ln.Name, [x, g.Weight(ln.Gamma), g.Weight(ln.Beta)],
            Int("axis", -ln.Gamma.Rank), Float("epsilon", ln.Epsilon)),
        RMSNormalization rms => EmitRmsNormalization(g, rms, x),
        // Nabla carries token ids as float32 (it refuses any that is not a whole number in range): Gather reads them as int64.
        Embedding e => g.Node("Gather", e.Name, [g.Weight(e.Embeddings), g.Node("Cast", e.Name, [x], Int("to", (long)Proto.TensorProto.Types.DataType.Int64))],
            Int("axis", 0)),
        TimeDistributed wrapper => EmitTimeDistributed(g, wrapper, x),
        UnitNormalization u => OnnxMergeLayers.L2Normalize(g, u.Name, x,
            [.. u.Axis.Select(a => a < 0 ? a + u.InputShape!.Length + 1 : a)], UnitNormalization.SquareSumFloor),
        _ when OnnxConvLayers.Handles(layer) => OnnxConvLayers.Emit(g, layer, x),
        _ when OnnxReshapingLayers.Handles(layer) => OnnxReshapingLayers.Emit(g, layer, x),
        _ when OnnxSpecialConvLayers.Handles(layer) => OnnxSpecialConvLayers.Emit(g, layer, x),
        RecurrentLayer recurrent => OnnxRecurrentLayers.Emit(g, recurrent, x, [])[0],
        StackedRecurrent stacked => OnnxRecurrentLayers.Emit(g, stacked, x),
        ConvLSTM convLstm => OnnxConvLstm.Emit(g, convLstm, x),
        Bidirectional bidirectional => OnnxRecurrentLayers.Emit(g, bidirectional, x),
        _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
    };

    /// <summary>x·(1/√(Σx²/n + ε))·scale over the trailing axes, the operations <see cref="RMSNormalization"/> runs, in its
    /// order (opset 17's ReduceMean takes no axes input, so the sum is divided by n).</summary>
    private static string EmitRmsNormalization(OnnxGraphBuilder g, RMSNormalization rms, string x)
    {
        int rank = rms.InputShape!.Length + 1, count = rms.ScaleWeight.Rank;
        string name = rms.Name;
        string sum = g.Node("ReduceSum", name, [g.Node("Mul", name, [x, x]),
            g.Int64Initializer($"{name}/axes", [.. Enumerable.Range(rank - count, count).Select(a => (long)a)])], Int("keepdims", 1));
        string meanSquare = g.Node("Div", name, [sum, g.Scalar($"{name}/count", rms.ScaleWeight.Size)]);
        string reciprocal = g.Node("Reciprocal", name, [g.Node("Sqrt", name, [g.Node("Add", name, [meanSquare, g.Scalar($"{name}/epsilon", (float)rms.Epsilon)])])]);
        return g.Node("Mul", name, [g.Node("Mul", name, [x, reciprocal]), g.Weight(rms.ScaleWeight)]);
    }

    /// <summary>The steps folded into the batch, [batch·steps, ...], the wrapped layer written on them, and unfolded.</summary>
    private static string EmitTimeDistributed(OnnxGraphBuilder g, TimeDistributed wrapper, string x)
    {
        string name = wrapper.Name;
        int steps = wrapper.InputShape![0];
        var folded = g.Node("Reshape", name, [x, g.Int64Initializer($"{name}/folded", [-1, .. wrapper.InputShape[1..].Select(d => (long)d)])]);
        var inner = Emit(g, wrapper.Layer, folded);
        return g.Node("Reshape", name, [inner, g.Int64Initializer($"{name}/unfolded", [-1, steps, .. wrapper.Layer.OutputShape!.Select(d => (long)d)])]);
    }

    private static string EmitDense(OnnxGraphBuilder g, Dense dense, string x)
    {
        string kernel = g.Weight(dense.Kernel);
        string? bias = dense.Bias is Tensor b ? g.Weight(b) : null;
        string z;
        // Gemm wants 2-D A; Keras's Dense on [batch, ..., in] contracts the last axis, which MatMul does.
        if (dense.InputShape!.Length == 1)
            z = g.Node("Gemm", dense.Name, bias is null ? [x, kernel] : [x, kernel, bias]);
        else
        {
            z = g.Node("MatMul", dense.Name, [x, kernel]);
            if (bias is not null) z = g.Node("Add", dense.Name, [z, bias]);
        }
        return OnnxActivations.Emit(g, dense.Activation, z, dense.Name, dense.Name);
    }

    /// <summary>ONNX's Einsum (opset 12) takes Keras's equations as they are, ellipses included; the bias broadcasts
    /// from the trailing axes as in Keras.</summary>
    private static string EmitEinsumDense(OnnxGraphBuilder g, EinsumDense layer, string x)
    {
        string z = g.Node("Einsum", layer.Name, [x, g.Weight(layer.Kernel)], Text("equation", layer.Equation));
        if (layer.Bias is Tensor bias) z = g.Node("Add", layer.Name, [z, g.Weight(bias)]);
        return OnnxActivations.Emit(g, layer.Activation, z, layer.Name, layer.Name);
    }

    /// <summary>Writes x·scale + shift with the very constants the layer applies (folded from mean and
    /// variance in double precision), so that the export matches Predict bit for bit rather than re-deriving them.</summary>
    /// <summary>A scalar, or a vector that broadcasts over the last axis as Keras's channels-last values do.</summary>
    private static string Channelwise(OnnxGraphBuilder g, string name, IReadOnlyList<double> values) =>
        values.Count == 1 ? g.Scalar(name, (float)values[0]) : g.Initializer(name, [values.Count], [.. values.Select(v => (float)v)]);

    private static string EmitNormalization(OnnxGraphBuilder g, Normalization n, string x)
    {
        var (scale, shift) = n.Affine;
        string scaled = g.Node("Mul", n.Name, [x, g.Initializer($"{n.Name}/scale", [scale.Length], scale)]);
        return g.Node("Add", n.Name, [scaled, g.Initializer($"{n.Name}/shift", [shift.Length], shift)]);
    }

    /// <summary>
    /// y = gamma·((x − moving_mean)·(1/√(moving_variance + epsilon))) + beta along the last axis, the same
    /// float operations in the same order as Nabla's inference pass. ONNX's BatchNormalization would put the
    /// features on axis 1, which differs from Keras's last axis once inputs have more than 2 dimensions.
    /// </summary>
    private static string EmitBatchNormalization(OnnxGraphBuilder g, BatchNormalization bn, string x)
    {
        string name = bn.Name;
        string variance = g.Node("Add", name, [g.Weight(bn.MovingVariance), g.Scalar($"{name}/epsilon", (float)bn.Epsilon)]);
        string invStd = g.Node("Reciprocal", name, [g.Node("Sqrt", name, [variance])]);
        string y = g.Node("Mul", name, [g.Node("Sub", name, [x, g.Weight(bn.MovingMean)]), invStd]);
        // Without scale/center Keras has no gamma/beta: multiplying by 1 and adding 0 would change nothing.
        if (bn.Scale) y = g.Node("Mul", name, [y, g.Weight(bn.Gamma)]);
        if (bn.Center) y = g.Node("Add", name, [y, g.Weight(bn.Beta)]);
        return y;
    }
}
