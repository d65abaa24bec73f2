using Nabla.Autograd;
using Nabla.Configuration;
using Nabla.Initializers;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>SpectralNormalization</c> wrapper (keras/src/layers/normalization/spectral_normalization.py): each
/// training call estimates the largest singular value σ of the wrapped layer's <c>kernel</c> (or <c>embeddings</c>),
/// reshaped to [-1, last axis], by <see cref="PowerIterations"/> steps of power iteration from the non-trainable
/// <c>vector_u</c>, then assigns the kernel ← kernel/σ and vector_u ← the new u, and calls the wrapped layer. As in
/// Keras, the assignment happens before the call, so no gradient flows through σ; an all-zero kernel is left as it is.
/// At inference the wrapped layer runs with its current kernel.
/// </summary>
public sealed class SpectralNormalization : Layer
{
    public SpectralNormalization(Layer layer, int powerIterations = 1, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (powerIterations <= 0)
            throw new ArgumentOutOfRangeException(nameof(powerIterations), powerIterations,
                $"SpectralNormalization '{Name}': power_iterations must be greater than zero, found {powerIterations}.");
        Layer = layer;
        PowerIterations = powerIterations;
    }

    public override string ClassName => "SpectralNormalization";

    public Layer Layer { get; }

    /// <summary>Keras's <c>power_iterations</c>: power-iteration steps per training call; 1 by default.</summary>
    public int PowerIterations { get; }

    /// <summary>The wrapped layer's weight that is normalized (its kernel or embeddings); null until built.</summary>
    public Tensor? Kernel { get; private set; }

    /// <summary>Keras's <c>vector_u</c>, [1, kernel's last axis]: the running estimate of the top right singular vector.</summary>
    public Tensor? VectorU { get; private set; }

    public override int[] ComputeOutputShape(int[] inputShape) => Layer.ComputeOutputShape(inputShape);

    protected override void BuildWeights(int[] inputShape)
    {
        Layer.Build(inputShape);
        AddSublayerWeights(Layer);
        Kernel = Layer.Weights.FirstOrDefault(w => w.Name == $"{Layer.Name}/kernel")
            ?? Layer.Weights.FirstOrDefault(w => w.Name == $"{Layer.Name}/embeddings")
            ?? throw new ArgumentException(
                $"SpectralNormalization '{Name}': the wrapped layer '{Layer.Name}' ({Layer.ClassName}) has neither a 'kernel' nor 'embeddings'.");
        VectorU = AddWeight("vector_u", [1, Kernel.Shape[^1]], new TruncatedNormal(stddev: 0.02), trainable: false);
    }

    /// <summary>In Keras's order (layer.py's <c>weights</c>: a layer's own tracked variables, then its sublayers' not
    /// listed yet): the kernel (tracked again through <c>self.kernel</c>), vector_u, then the wrapped layer's others, so
    /// <c>GetWeights</c> and <c>SetWeights</c> take Keras's lists.</summary>
    public override IReadOnlyList<Tensor> Weights =>
        Kernel is null || VectorU is null ? base.Weights : [Kernel, VectorU, .. Layer.Weights.Where(w => w != Kernel)];

    /// <summary>Legacy H5 files keep the older order, trainable then non-trainable (legacy_h5_format's
    /// <c>_legacy_weights</c>): kernel, the wrapped layer's others, vector_u.</summary>
    internal override IReadOnlyList<Tensor> KerasFileWeights => base.Weights;

    /// <summary>Keras 3 saves the wrapper's own tracked variables, the kernel (its attribute <c>self.kernel</c> is the
    /// wrapped layer's variable) and vector_u, in its own vars, and the wrapped layer's under "layer".</summary>
    internal override IReadOnlyList<Tensor> KerasOwnVars => [Kernel!, VectorU!];

    internal override IReadOnlyList<(string Child, int Count)> KerasVarGroups => [.. KerasVarGroupsOf("layer", Layer)];

    /// <summary>A training call assigns the kernel and vector_u, so a pass that must leave no trace restores them.</summary>
    internal override Action? SnapshotStates()
    {
        var inner = Layer.SnapshotStates();
        if (Kernel is null || VectorU is null) return inner;
        float[] kernel = (float[])Kernel.Data.Clone(), u = (float[])VectorU.Data.Clone();
        return () =>
        {
            kernel.CopyTo(Kernel.Data, 0);
            u.CopyTo(VectorU.Data, 0);
            inner?.Invoke();
        };
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        // The normalization runs as an op ahead of the wrapped layer, so a captured training step replays it too.
        if (training) inputs = Op.Record(new SpectralNormalizeOp(this, inputs));
        return Layer.Call(inputs, training);
    }

    public override LayerActivity Observe(Tensor output) => Layer.Observe(output) with { Layer = this };

    /// <summary>One Keras normalization step: the power iteration from vector_u (each vector scaled by
    /// min(1/‖x‖, 1/ε), ε = 1e-7, as keras.ops.normalize), σ = v·W·uᵀ, then kernel ← kernel/σ and vector_u ← u.</summary>
    internal void Normalize()
    {
        var w = Kernel!.Data.AsSpan(0, Kernel.Size);
        if (!w.ContainsAnyExcept(0f)) return;
        int cols = Kernel.Shape[^1], rows = Kernel.Size / cols;
        var u = VectorU!.Data.Take(cols).Select(x => (double)x).ToArray();
        var v = new double[rows];
        for (int step = 0; step < PowerIterations; step++)
        {
            for (int r = 0; r < rows; r++)
            {
                double s = 0;
                for (int c = 0; c < cols; c++) s += u[c] * w[r * cols + c];
                v[r] = s;
            }
            ScaleToUnit(v);
            Array.Clear(u);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < cols; c++) u[c] += v[r] * w[r * cols + c];
            ScaleToUnit(u);
        }
        double sigma = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) sigma += v[r] * w[r * cols + c] * u[c];
        for (int i = 0; i < w.Length; i++) w[i] = (float)(w[i] / sigma);
        for (int c = 0; c < cols; c++) VectorU.Data[c] = (float)u[c];
    }

    private static void ScaleToUnit(double[] x)
    {
        double square = 0;
        foreach (double value in x) square += value * value;
        double scale = Math.Min(1 / Math.Sqrt(square), 1 / 1e-7);
        for (int i = 0; i < x.Length; i++) x[i] *= scale;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["layer"] = Registry<Layer>.Serialize(Layer);
        config["power_iterations"] = PowerIterations;
        return config;
    }

    public static SpectralNormalization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var layer = config.GetConfig("layer") ?? throw new ArgumentException("SpectralNormalization config has no 'layer'.");
        return new SpectralNormalization(Layer.Deserialize(layer), config.GetInt("power_iterations", 1), inputShape, name)
            { Trainable = config.GetBool("trainable", true) };
    }

    /// <summary>Identity on the inputs; its forward pass first runs <see cref="Normalize"/> (Keras's assignments), so
    /// the wrapped layer that follows reads the assigned kernel. The gradient passes to the inputs unchanged.</summary>
    private sealed class SpectralNormalizeOp(SpectralNormalization owner, Tensor x) : Op([x], x.Shape)
    {
        public override string Name => "spectral_normalization";

        public override void Forward()
        {
            owner.Normalize();
            Inputs[0].Data.AsSpan(0, Inputs[0].Size).CopyTo(Output.Data);
        }

        public override void Backward()
        {
            if (!NeedsGrad(0)) return;
            var dx = Inputs[0].Grad!.Data;
            System.Numerics.Tensors.TensorPrimitives.Add(dx, Output.Grad!.Data, dx);
        }
    }
}
