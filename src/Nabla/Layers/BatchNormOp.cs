using Nabla.Autograd;
using Nabla.Kernels;

namespace Nabla.Layers;

/// <summary>
/// Batch normalization's forward and backward over the last axis (features): y = γ·(x − μ)/σ + β. The passes run
/// row-major over whole tiles of rows (<see cref="FeatureColumns"/>); the normalized x̂ is not stored but recomputed
/// from x, μ and 1/σ in the backward pass, as PyTorch's batch norm does, which saves a buffer the size of x.
/// </summary>
internal sealed unsafe class BatchNormOp : Op
{
    private readonly BatchNormalization layer;
    private readonly bool training;
    private readonly int rows, features;
    private readonly FeatureColumns columns;
    private readonly float[] mean, invStd, scale, perFeature;
    private readonly double[] firstSums, secondSums;
    // μ in double minus μ in float: the passes centre on the float μ, and the sums are corrected by the difference.
    private readonly double[] meanResidual;
    // Per-feature values repeated across a tile: μ, γ/σ and a shift (β forward, the mean-gradient term backward).
    private readonly float[] meanTile, scaleTile, shiftTile, centeredTile;

    public BatchNormOp(Tensor x, BatchNormalization layer, bool training)
        : base([x, layer.Gamma, layer.Beta], x.Shape)
    {
        this.layer = layer;
        this.training = training;
        features = x.Shape[^1];
        rows = x.Size / features;
        columns = new FeatureColumns(features);
        mean = new float[features];
        invStd = new float[features];
        scale = new float[features];
        perFeature = new float[features];
        firstSums = new double[features];
        secondSums = new double[features];
        meanResidual = new double[features];
        meanTile = new float[columns.Width];
        scaleTile = new float[columns.Width];
        shiftTile = new float[columns.Width];
        centeredTile = new float[columns.Width];
    }

    public override string Name => "batch_normalization";

    public override void Forward()
    {
        var x = Inputs[0].Data;
        var gamma = Inputs[1].Data;
        float epsilon = (float)layer.Epsilon;
        if (training) ComputeBatchStatistics(x, epsilon);
        else
            for (int f = 0; f < features; f++)
            {
                mean[f] = layer.MovingMean.Data[f];
                meanResidual[f] = 0;
                invStd[f] = 1f / MathF.Sqrt(layer.MovingVariance.Data[f] + epsilon);
            }
        for (int f = 0; f < features; f++) scale[f] = gamma[f] * invStd[f];
        columns.Tile(mean, meanTile);
        columns.Tile(scale, scaleTile);
        columns.Tile(Inputs[2].Data, shiftTile);
        fixed (float* px = x, py = Output.Data, pm = meanTile, ps = scaleTile, pb = shiftTile)
            columns.Map(new Normalize(px, pm, ps, pb, py), x.Length);
    }

    /// <summary>The batch's mean and biased variance (two passes: the squares are taken about the mean, so a large mean
    /// does not cancel them away), and the moving statistics moved towards them.</summary>
    private void ComputeBatchStatistics(float[] x, float epsilon)
    {
        fixed (float* px = x, pm = meanTile)
        {
            columns.Sum(new Values(px), x.Length, firstSums, secondSums);
            for (int f = 0; f < features; f++)
            {
                double mu = firstSums[f] / rows;
                mean[f] = (float)mu;
                meanResidual[f] = mu - mean[f];
            }
            columns.Tile(mean, meanTile);
            columns.Sum(new CenteredSquares(px, pm), x.Length, firstSums, secondSums);
        }
        float momentum = (float)layer.Momentum;
        for (int f = 0; f < features; f++)
        {
            // Σ(x − μ_float)² = Σ(x − μ)² + n·(μ − μ_float)².
            float variance = (float)(firstSums[f] / rows - meanResidual[f] * meanResidual[f]);
            invStd[f] = 1f / MathF.Sqrt(variance + epsilon);
            layer.MovingMean.Data[f] = layer.MovingMean.Data[f] * momentum + mean[f] * (1 - momentum);
            layer.MovingVariance.Data[f] = layer.MovingVariance.Data[f] * momentum + variance * (1 - momentum);
        }
    }

    public override void Backward()
    {
        var dy = Output.Grad!.Data;
        var x = Inputs[0].Data;
        fixed (float* pdy = dy, px = x, pm = meanTile)
            columns.Sum(new GradientSums(pdy, px, pm), x.Length, firstSums, secondSums);
        // Σ dy·(x − μ) = Σ dy·(x − μ_float) − (μ − μ_float)·Σ dy: at a mean of 100 the float μ alone is off by up to
        // 4e-6, which a thousand rows of dy would carry into dγ as 4e-3.
        for (int f = 0; f < features; f++) secondSums[f] -= meanResidual[f] * firstSums[f];
        for (int f = 0; f < features; f++)
        {
            double sumDy = firstSums[f], sumDyXhat = secondSums[f] * invStd[f];
            if (NeedsGrad(1)) Inputs[1].Grad!.Data[f] = (float)sumDyXhat + (OverwritesGrad(1) ? 0f : Inputs[1].Grad!.Data[f]);
            if (NeedsGrad(2)) Inputs[2].Grad!.Data[f] = (float)sumDy + (OverwritesGrad(2) ? 0f : Inputs[2].Grad!.Data[f]);
        }
        if (!NeedsGrad(0)) return;
        // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) in training, where the batch statistics depend on x too;
        // dx = γ/σ · dy in inference. As dx += a·dy + c·(x − μ) + d, with a = γ/σ (the forward's scale).
        for (int f = 0; f < features; f++)
        {
            double meanDyXhat = secondSums[f] * invStd[f] / rows;
            perFeature[f] = training ? (float)(-scale[f] * invStd[f] * meanDyXhat) : 0f;
        }
        columns.Tile(perFeature, centeredTile);
        for (int f = 0; f < features; f++)
        {
            double meanDy = firstSums[f] / rows;
            perFeature[f] = training ? (float)(-scale[f] * meanDy) : 0f;
        }
        columns.Tile(perFeature, shiftTile);
        fixed (float* pdy = dy, px = x, pdx = Inputs[0].Grad!.Data, pm = meanTile, pa = scaleTile, pc = centeredTile, pd = shiftTile)
        {
            if (OverwritesGrad(0)) columns.Map(new InputGradient<Overwrite>(pdy, px, pm, pa, pc, pd, pdx), x.Length);
            else columns.Map(new InputGradient<AddTo>(pdy, px, pm, pa, pc, pd, pdx), x.Length);
        }
    }

    // Every gradient it feeds is written in one pass of its own, so when this op is the first contributor it writes it.
    protected internal override bool CanOverwriteGrad(int i) => true;

    /// <summary>Σ x per feature.</summary>
    private readonly struct Values(float* x) : IColumnTerms
    {
        public void Add<T>(nint i, nint j, float* first, float* second) where T : struct, IFloatLanes<T> =>
            (T.Load(first + j) + T.Load(x + i)).Store(first + j);
    }

    /// <summary>Σ (x − μ)² per feature.</summary>
    private readonly struct CenteredSquares(float* x, float* meanTile) : IColumnTerms
    {
        public void Add<T>(nint i, nint j, float* first, float* second) where T : struct, IFloatLanes<T>
        {
            var d = T.Load(x + i) - T.Load(meanTile + j);
            T.MultiplyAdd(d, d, T.Load(first + j)).Store(first + j);
        }
    }

    /// <summary>Σ dy and Σ dy·(x − μ) per feature.</summary>
    private readonly struct GradientSums(float* dy, float* x, float* meanTile) : IColumnTerms
    {
        public void Add<T>(nint i, nint j, float* first, float* second) where T : struct, IFloatLanes<T>
        {
            var g = T.Load(dy + i);
            (T.Load(first + j) + g).Store(first + j);
            T.MultiplyAdd(g, T.Load(x + i) - T.Load(meanTile + j), T.Load(second + j)).Store(second + j);
        }
    }

    /// <summary>y = (x − μ)·s + b.</summary>
    private readonly struct Normalize(float* x, float* meanTile, float* scaleTile, float* shiftTile, float* y) : IColumnMap
    {
        public void Apply<T>(nint i, nint j) where T : struct, IFloatLanes<T> =>
            T.MultiplyAdd(T.Load(x + i) - T.Load(meanTile + j), T.Load(scaleTile + j), T.Load(shiftTile + j)).Store(y + i);
    }

    /// <summary>dx (+)= a·dy + c·(x − μ) + d: added to dx, or written over it (<typeparamref name="TMode"/>).</summary>
    private readonly struct InputGradient<TMode>(float* dy, float* x, float* meanTile, float* aTile, float* cTile, float* dTile, float* dx)
        : IColumnMap where TMode : IGradientMode
    {
        public void Apply<T>(nint i, nint j) where T : struct, IFloatLanes<T>
        {
            var shift = TMode.Adds ? T.Load(dx + i) + T.Load(dTile + j) : T.Load(dTile + j);
            var sum = T.MultiplyAdd(T.Load(aTile + j), T.Load(dy + i), shift);
            T.MultiplyAdd(T.Load(cTile + j), T.Load(x + i) - T.Load(meanTile + j), sum).Store(dx + i);
        }
    }

    /// <summary>Whether a pass adds to the gradient it writes; a constant of each specialized loop.</summary>
    private interface IGradientMode
    {
        static abstract bool Adds { get; }
    }

    private readonly struct AddTo : IGradientMode
    {
        public static bool Adds => true;
    }

    private readonly struct Overwrite : IGradientMode
    {
        public static bool Adds => false;
    }
}
