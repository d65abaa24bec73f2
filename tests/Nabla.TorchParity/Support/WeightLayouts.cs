using TorchSharp;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Support;

/// <summary>
/// Keras weight layouts turned into PyTorch's, so that one set of weights drives both frameworks.
/// Each converter returns a new float32 leaf tensor (requires_grad as asked); gradients PyTorch computes for it
/// come back to Keras's layout with the matching <c>...ToKeras</c> function.
/// </summary>
public static class WeightLayouts
{
    /// <summary>Dense: Keras kernel [in, out] → torch Linear weight [out, in] (the transpose).</summary>
    public static TorchTensor DenseKernel(Tensor kerasKernel, bool requiresGrad = true)
    {
        RequireRank(kerasKernel, 2, "Dense kernel [in, out]");
        return Leaf(Parity.ToTorch(kerasKernel).t(), requiresGrad);
    }

    /// <summary>Torch Linear weight (or its gradient) [out, in] → Keras kernel layout [in, out].</summary>
    public static Tensor DenseKernelToKeras(TorchTensor torchWeight) => Parity.FromTorch(torchWeight.t());

    /// <summary>
    /// Convolution kernels: Keras's channels-last kernel [spatial..., in, out] (Conv1D HWIO-style [w, in, out],
    /// Conv2D [h, w, in, out], Conv3D [d, h, w, in, out]) → torch's [out, in, spatial...]. Both frameworks compute
    /// cross-correlation, so no spatial flip is needed.
    /// </summary>
    public static TorchTensor ConvKernel(Tensor kerasKernel, bool requiresGrad = true)
    {
        int rank = kerasKernel.Rank;
        if (rank < 3 || rank > 5)
            throw new ArgumentException($"Conv kernel must have rank 3 to 5 ([spatial..., in, out]); got {Tensor.ShapeString(kerasKernel.Shape)}.");
        // [s0..sk, in, out] → [out, in, s0..sk]
        var permutation = new long[rank];
        permutation[0] = rank - 1;
        permutation[1] = rank - 2;
        for (int i = 0; i < rank - 2; i++) permutation[i + 2] = i;
        return Leaf(Parity.ToTorch(kerasKernel).permute(permutation), requiresGrad);
    }

    /// <summary>Torch conv weight (or gradient) [out, in, spatial...] → Keras [spatial..., in, out].</summary>
    public static Tensor ConvKernelToKeras(TorchTensor torchWeight)
    {
        int rank = (int)torchWeight.dim();
        var permutation = new long[rank];
        for (int i = 0; i < rank - 2; i++) permutation[i] = i + 2;
        permutation[rank - 2] = 1;
        permutation[rank - 1] = 0;
        return Parity.FromTorch(torchWeight.permute(permutation));
    }

    /// <summary>
    /// Depthwise convolution: Keras DepthwiseConv2D kernel [h, w, in, multiplier] → torch Conv2d(groups = in)
    /// weight [in·multiplier, 1, h, w] (output channel c·multiplier + m comes from input channel c); DepthwiseConv1D's
    /// [k, in, multiplier] → Conv1d's [in·multiplier, 1, k].
    /// </summary>
    public static TorchTensor DepthwiseKernel(Tensor kerasKernel, bool requiresGrad = true)
    {
        // [k, in, multiplier] (DepthwiseConv1D) or [h, w, in, multiplier] (DepthwiseConv2D): the window's axes go last.
        int spatial = kerasKernel.Rank - 2;
        if (spatial is not (1 or 2)) RequireRank(kerasKernel, 4, "DepthwiseConv1D/2D kernel [k, in, multiplier] or [h, w, in, multiplier]");
        int channels = kerasKernel.Shape[^2], multiplier = kerasKernel.Shape[^1];
        long[] order = [spatial, spatial + 1, .. Enumerable.Range(0, spatial).Select(a => (long)a)];
        long[] shape = [channels * multiplier, 1, .. kerasKernel.Shape[..spatial].Select(d => (long)d)];
        return Leaf(Parity.ToTorch(kerasKernel).permute(order).reshape(shape), requiresGrad);
    }

    /// <summary>Torch depthwise weight (or gradient) [in·multiplier, 1, h, w] → Keras [h, w, in, multiplier].</summary>
    public static Tensor DepthwiseKernelToKeras(TorchTensor torchWeight, int multiplier)
    {
        long outChannels = torchWeight.shape[0], h = torchWeight.shape[2], w = torchWeight.shape[3];
        return Parity.FromTorch(torchWeight.reshape(outChannels / multiplier, multiplier, h, w).permute(2, 3, 0, 1));
    }

    /// <summary>
    /// Transposed convolution: Keras Conv2DTranspose kernel [h, w, out, in] → torch ConvTranspose2d weight
    /// [in, out, h, w] (both are the gradient of a cross-correlation with that kernel, so no flip).
    /// </summary>
    public static TorchTensor ConvTransposeKernel(Tensor kerasKernel, bool requiresGrad = true)
    {
        int rank = kerasKernel.Rank;
        if (rank < 3 || rank > 5)
            throw new ArgumentException($"ConvTranspose kernel must have rank 3 to 5 ([spatial..., out, in]); got {Tensor.ShapeString(kerasKernel.Shape)}.");
        var permutation = new long[rank];
        permutation[0] = rank - 1; // in
        permutation[1] = rank - 2; // out
        for (int i = 0; i < rank - 2; i++) permutation[i + 2] = i;
        return Leaf(Parity.ToTorch(kerasKernel).permute(permutation), requiresGrad);
    }

    /// <summary>Torch ConvTranspose weight (or gradient) [in, out, spatial...] → Keras [spatial..., out, in].</summary>
    public static Tensor ConvTransposeKernelToKeras(TorchTensor torchWeight) => ConvKernelToKeras(torchWeight);

    /// <summary>
    /// LSTM: Keras kernel [in, 4u] and recurrent kernel [u, 4u], gates in the order i, f, c, o, one bias [4u] →
    /// torch weight_ih [4u, in], weight_hh [4u, u] with gates i, f, g, o (the same order; g is Keras's c),
    /// bias_ih = Keras's bias and bias_hh = 0 (torch adds the two biases).
    /// </summary>
    public static RecurrentWeights Lstm(Tensor kernel, Tensor recurrentKernel, Tensor? bias, bool requiresGrad = true)
    {
        int units = RecurrentUnits(kernel, recurrentKernel, gates: 4, "LSTM");
        var biasIh = bias is null ? torch.zeros(4 * units) : Parity.ToTorch(RequireBias(bias, 4 * units, "LSTM"));
        return new RecurrentWeights(
            Leaf(Parity.ToTorch(kernel).t(), requiresGrad),
            Leaf(Parity.ToTorch(recurrentKernel).t(), requiresGrad),
            Leaf(biasIh, requiresGrad),
            Leaf(torch.zeros(4 * units), requiresGrad));
    }

    /// <summary>Torch LSTM weight_ih/weight_hh (or gradients) [4u, n] → Keras [n, 4u] (gate order unchanged).</summary>
    public static Tensor LstmKernelToKeras(TorchTensor torchWeight) => Parity.FromTorch(torchWeight.t());

    /// <summary>
    /// GRU with Keras 3's default reset_after = true: Keras kernel [in, 3u] and recurrent kernel [u, 3u] with gates
    /// z (update), r (reset), h (candidate), bias [2, 3u] (input bias row, recurrent bias row) → torch weight_ih
    /// [3u, in], weight_hh [3u, u], bias_ih, bias_hh [3u] with gates r, z, n. Torch's n = tanh(W_in·x + b_in +
    /// r ⊙ (W_hn·h + b_hn)) is Keras's reset_after candidate, and h' = (1 − z) ⊙ n + z ⊙ h in both.
    /// reset_after = false (reset applied before the recurrent matmul) has no torch counterpart.
    /// </summary>
    public static RecurrentWeights Gru(Tensor kernel, Tensor recurrentKernel, Tensor? bias, bool requiresGrad = true)
    {
        int units = RecurrentUnits(kernel, recurrentKernel, gates: 3, "GRU");
        TorchTensor biasIh, biasHh;
        if (bias is null)
        {
            biasIh = torch.zeros(3 * units);
            biasHh = torch.zeros(3 * units);
        }
        else
        {
            if (!Shapes.Equal(bias.Shape, [2, 3 * units]))
                throw new ArgumentException($"GRU bias (reset_after = true) must be [2, {3 * units}]; got {Tensor.ShapeString(bias.Shape)}.");
            var b = Parity.ToTorch(bias);
            biasIh = GruGatesToTorch(b[0], units, axis: 0);
            biasHh = GruGatesToTorch(b[1], units, axis: 0);
        }
        return new RecurrentWeights(
            Leaf(GruGatesToTorch(Parity.ToTorch(kernel), units, axis: 1).t(), requiresGrad),
            Leaf(GruGatesToTorch(Parity.ToTorch(recurrentKernel), units, axis: 1).t(), requiresGrad),
            Leaf(biasIh, requiresGrad),
            Leaf(biasHh, requiresGrad));
    }

    /// <summary>Torch GRU weight_ih/weight_hh (or gradients) [3u, n], gates r, z, n → Keras [n, 3u], gates z, r, h.</summary>
    public static Tensor GruKernelToKeras(TorchTensor torchWeight)
    {
        long units = torchWeight.shape[0] / 3;
        var gates = torchWeight.split(units, 0); // r, z, n
        return Parity.FromTorch(torch.cat([gates[1], gates[0], gates[2]], 0).t());
    }

    /// <summary>Torch GRU bias_ih and bias_hh (or gradients) [3u], gates r, z, n → Keras bias [2, 3u], gates z, r, h.</summary>
    public static Tensor GruBiasToKeras(TorchTensor biasIh, TorchTensor biasHh)
    {
        long units = biasIh.shape[0] / 3;
        TorchTensor Reorder(TorchTensor b) { var g = b.split(units, 0); return torch.cat([g[1], g[0], g[2]], 0); }
        return Parity.FromTorch(torch.stack([Reorder(biasIh), Reorder(biasHh)], 0));
    }

    // Keras gate blocks z, r, h along `axis` → torch order r, z, n.
    private static TorchTensor GruGatesToTorch(TorchTensor keras, int units, int axis)
    {
        var g = keras.split(units, axis);
        return torch.cat([g[1], g[0], g[2]], axis);
    }

    private static int RecurrentUnits(Tensor kernel, Tensor recurrentKernel, int gates, string layer)
    {
        RequireRank(kernel, 2, $"{layer} kernel [in, {gates}·units]");
        RequireRank(recurrentKernel, 2, $"{layer} recurrent kernel [units, {gates}·units]");
        int units = recurrentKernel.Shape[0];
        if (recurrentKernel.Shape[1] != gates * units || kernel.Shape[1] != gates * units)
            throw new ArgumentException($"{layer}: kernel {Tensor.ShapeString(kernel.Shape)} and recurrent kernel " +
                $"{Tensor.ShapeString(recurrentKernel.Shape)} do not have {gates}·units = {gates * units} columns.");
        return units;
    }

    private static Tensor RequireBias(Tensor bias, int size, string layer)
    {
        if (!Shapes.Equal(bias.Shape, [size]))
            throw new ArgumentException($"{layer} bias must be [{size}]; got {Tensor.ShapeString(bias.Shape)}.");
        return bias;
    }

    private static void RequireRank(Tensor t, int rank, string what)
    {
        if (t.Rank != rank)
            throw new ArgumentException($"{what}: expected rank {rank}, got shape {Tensor.ShapeString(t.Shape)}.");
    }

    private static TorchTensor Leaf(TorchTensor t, bool requiresGrad) =>
        t.detach().contiguous().clone().requires_grad_(requiresGrad);
}

/// <summary>A recurrent layer's weights in torch's layout (torch.nn.LSTM/GRU single layer, names as torch's).</summary>
public sealed record RecurrentWeights(TorchTensor WeightIh, TorchTensor WeightHh, TorchTensor BiasIh, TorchTensor BiasHh);
