using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Configuration;
using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>Adafactor</c> (Shazeer and Stern, 2018; defaults: learning_rate 0.001, beta_2_decay −0.8,
/// epsilon_1 1e-30, epsilon_2 1e-3, clip_threshold 1.0, relative_step true). The second moment of a weight of rank 2
/// or more is kept factored over its last two axes, as a mean over rows and a mean over columns. Update, from
/// Keras's <c>keras/src/optimizers/adafactor.py</c>, with t = iterations + 1 and RMS(x) = sqrt(mean(x²)) over the
/// whole weight:
/// <code>
/// rho   = min(lr, 1/sqrt(t))
/// alpha = max(epsilon_2, RMS(w))·rho
/// beta  = 1 − t^beta_2_decay
/// G     = g² + epsilon_1
/// rank ≥ 2, w of shape [..., rows, cols]:
///   r = beta·r + (1 − beta)·mean(G over cols)        shape [..., rows]
///   c = beta·c + (1 − beta)·mean(G over rows)        shape [..., cols]
///   v = (r / mean(r over rows)) ⊗ c
/// rank &lt; 2:
///   v = beta·v + (1 − beta)·G
/// u = g / sqrt(v)
/// w −= alpha·u / max(1, RMS(u)/clip_threshold)
/// </code>
/// </summary>
/// <remarks>
/// <para><b>relative_step.</b> adafactor.py caps the rate at 1/sqrt(t) when it computes rho_t whatever relative_step
/// says (its own cap under relative_step is the same min), so in Keras 3 the flag changes nothing; it is kept, and
/// written to the config, for Keras's sake. A rate below 1/sqrt(t) (0.001 until t = 10⁶) is used as given.</para>
/// <para><b>One weight at a time.</b> RMS(w), RMS(u) and the row and column means span a whole weight, so the update
/// is not element-wise. When a step splits a weight between threads, or updates it range by range during the
/// backward pass (<see cref="Optimizer.Apply(IReadOnlyList{Tensor})"/>'s split and early updates), each range only
/// counts its elements in, and the call that completes the weight (whose whole gradient is then final) updates all of
/// it on its thread: the same bits as one whole update. The passes over the gradient are <see cref="ILanes{TSelf}"/>
/// rules, one row at a time for rank ≥ 2 (g² into a row and the column sums; v, and g²/v into a row; the weight
/// update), and the sums over a row, over r and over w are span kernels (TensorPrimitives). Per weight, a row of
/// scratch (a chunk for rank &lt; 2) and the column sums are allocated with its state; nothing per step.</para>
/// <para><b>Where Keras gives NaN.</b> A weight element whose gradient row and column are both zero (an input that is
/// always 0 into a dead unit) has v = (epsilon_1/mean r)·epsilon_1 ≈ 1e-60, which underflows float to 0, and Keras's
/// u = 0/0 makes the whole weight NaN. Here v is kept at float's smallest normal value (2⁻¹²⁶) at least, so such an
/// element gets u = 0 and does not move; wherever Keras's v is a normal float the two agree.</para>
/// <para><b>State.</b> "r", "c" and "velocity" per weight, in Keras's build order (its r and c variables take the
/// weight's name, its v is "velocity"), at Keras's shapes: for rank ≥ 2, r is [..., rows] and c is [..., cols]; below,
/// each is a scalar placeholder (shape [], 0) as in Keras; v has the weight's shape. So a [784, 128] kernel keeps
/// 784 + 128 + 784·128 floats, and the optimizer state passes between Keras's files and Nabla's.</para>
/// <para>PyTorch's <c>torch.optim.Adafactor</c> follows another variant of the paper (epsilon_1 floors the variance
/// estimate instead of being added to g², learning rate 0.01 by default), so there is no TorchParity comparison.</para>
/// </remarks>
public sealed class Adafactor : Optimizer
{
    /// <summary>Elements per chunk of scratch for a weight of rank &lt; 2 (a bias, a scale).</summary>
    private const int ChunkLength = 4096;

    private float rho, beta2, oneMinusBeta2, epsilon1, decay;

    public Adafactor(LearningRateOrSchedule? learningRate = null, double beta2Decay = -0.8, double epsilon1 = 1e-30,
        double epsilon2 = 1e-3, double clipThreshold = 1.0, bool relativeStep = true, double? weightDecay = null,
        double? clipNorm = null, double? clipValue = null, double? globalClipNorm = null, string name = "adafactor")
        : base(learningRate ?? 0.001, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
        // Keras checks none of these. Above 0, beta = 1 − t^beta_2_decay turns negative and v with it (PyTorch,
        // whose beta2_decay has the same sign, refuses it too).
        Beta2Decay = CheckFiniteAtMostZero(beta2Decay, "beta_2_decay", "beta_2 = 1 - t^beta_2_decay");
        // With 0, a row of zero gradients (an input that is always 0) has r = 0 and its update 0/0.
        Epsilon1 = CheckEpsilon(epsilon1, "epsilon_1");
        if (epsilon1 == 0)
            throw new ArgumentOutOfRangeException("epsilon_1", epsilon1,
                "Argument `epsilon_1` must be > 0 for Adafactor (with 0 a zero gradient row gives 0/0). Received: 0.");
        Epsilon2 = CheckEpsilon(epsilon2, "epsilon_2");
        // u is divided by RMS(u)/clip_threshold.
        if (!(clipThreshold > 0) || double.IsInfinity(clipThreshold))
            throw new ArgumentOutOfRangeException("clip_threshold", clipThreshold,
                $"Argument `clip_threshold` must be a finite number > 0. Received: {clipThreshold}.");
        ClipThreshold = clipThreshold;
        RelativeStep = relativeStep;
    }

    public override string ClassName => "Adafactor";

    public double Beta2Decay { get; }
    public double Epsilon1 { get; }
    public double Epsilon2 { get; }
    public double ClipThreshold { get; }

    /// <summary>Keras's <c>relative_step</c>; without effect on the update, as in Keras 3 (see the remarks).</summary>
    public bool RelativeStep { get; }

    private protected override IReadOnlyList<string> StateNames => Names;

    private static readonly string[] Names = ["r", "c", "velocity"];

    // Keras's Adafactor.build: r, c and velocity for each variable in turn.
    internal override IReadOnlyList<IReadOnlyList<string>> KerasVariableGroups => [Names];

    // Keras's Adafactor.build: r drops the last axis, c the second last; below rank 2 both are scalar placeholders.
    private protected override int[] StateShape(int[] parameterShape, string stateName) =>
        (stateName, parameterShape.Length >= 2) switch
        {
            ("r", true) => parameterShape[..^1],
            ("c", true) => [.. parameterShape[..^2], parameterShape[^1]],
            ("r" or "c", false) => [],
            _ => parameterShape,
        };

    private protected override object? NewScratch(int[] parameterShape) => new Factoring(parameterShape);

    private protected override void BeginStep(double learningRate)
    {
        double t = Iterations + 1;
        rho = (float)Math.Min(learningRate, 1 / Math.Sqrt(t));
        double newWeight = Math.Pow(t, Beta2Decay);   // 1 − beta_2_t: 1 at t = 1, falling towards 0
        oneMinusBeta2 = (float)newWeight;
        beta2 = (float)(1 - newWeight);
        epsilon1 = (float)Epsilon1;
        // The base's decoupled decay, w·weight_decay·lr, applied before the update: RMS(w) is that of the decayed weight.
        decay = WeightDecay is { } wd ? (float)(wd * learningRate) : 0f;
        // A step abandoned halfway (its backward pass threw) leaves counts behind.
        foreach (var state in ParameterStates) ((Factoring)state.Scratch!).Covered = 0;
    }

    private protected override void UpdateParameter(in ParameterPass pass, ParameterState state, int start, int end)
    {
        var factoring = (Factoring)state.Scratch!;
        // Count this range in; the call that completes the weight updates all of it.
        if (Interlocked.Add(ref factoring.Covered, end - start) < factoring.Size) return;
        Interlocked.Add(ref factoring.Covered, -factoring.Size);
        if (factoring.Size == 0) return;

        float[] r = state[0], c = state[1], velocity = state[2];
        double weightRms = Math.Sqrt(TensorPrimitives.SumOfSquares<float>(pass.Weights) / factoring.Size) * Math.Abs(1 - decay);
        double alpha = Math.Max(Epsilon2, weightRms) * rho;
        double sumOfSquaredU = factoring.Factored ? FactoredMoments(pass, r, c, velocity, factoring) : Moments(pass, velocity, factoring);
        double uRms = Math.Sqrt(sumOfSquaredU / factoring.Size);
        float scale = (float)(alpha / Math.Max(1, uRms / ClipThreshold));
        UpdateLoop.Run(new Rule(pass, velocity, scale), 0, factoring.Size);

        // The guard checked only the range it handed over; this call wrote the whole weight and its state.
        if (RefuseNonFiniteUpdates && !(FiniteCopy.AllFinite(pass.Weights) && FiniteCopy.AllFinite(r)
                                         && FiniteCopy.AllFinite(c) && FiniteCopy.AllFinite(velocity)))
            RefuseStepInFlight();
    }

    /// <summary>
    /// Rank ≥ 2: updates r and c from the row and column means of g² + epsilon_1, writes v = (r/mean r) ⊗ c (at
    /// least 2⁻¹²⁶), and returns Σ u² = Σ g²/v. Two passes over the rows of each [rows, columns] matrix.
    /// </summary>
    private double FactoredMoments(in ParameterPass pass, float[] r, float[] c, float[] velocity, Factoring f)
    {
        int rows = f.Rows, columns = f.Columns;
        Span<float> row = f.Row.AsSpan(0, columns), columnSums = f.ColumnSums;
        // (1 − beta)·mean(g² + epsilon_1) = Σg²·(1 − beta)/n + (1 − beta)·epsilon_1
        float rowScale = oneMinusBeta2 / columns, columnScale = oneMinusBeta2 / rows, epsilonTerm = oneMinusBeta2 * epsilon1;
        double sum = 0;
        for (int b = 0; b < f.Batches; b++)
        {
            Span<float> rb = r.AsSpan(b * rows, rows), cb = c.AsSpan(b * columns, columns);
            columnSums.Clear();
            for (int i = 0; i < rows; i++)
            {
                int start = (b * rows + i) * columns;
                UpdateLoop.Run(new SquaresRule(pass, f.Row, f.ColumnSums, start), start, start + columns);
                rb[i] = beta2 * rb[i] + (TensorPrimitives.Sum<float>(row) * rowScale + epsilonTerm);
            }
            TensorPrimitives.Multiply(columnSums, columnScale, columnSums);
            TensorPrimitives.Add(columnSums, epsilonTerm, columnSums);
            TensorPrimitives.MultiplyAdd(cb, beta2, columnSums, cb);

            float meanR = TensorPrimitives.Sum<float>(rb) / rows;
            for (int i = 0; i < rows; i++)
            {
                int start = (b * rows + i) * columns;
                UpdateLoop.Run(new FactoredVelocityRule(pass, velocity, c, b * columns - start, rb[i] / meanR, f.Row, start),
                    start, start + columns);
                sum += TensorPrimitives.Sum<float>(row);
            }
        }
        return sum;
    }

    /// <summary>Rank &lt; 2: updates v = beta·v + (1 − beta)·(g² + epsilon_1) and returns Σ u² = Σ g²/v, a chunk at a time.</summary>
    private double Moments(in ParameterPass pass, float[] velocity, Factoring f)
    {
        double sum = 0;
        for (int start = 0; start < f.Size; start += ChunkLength)
        {
            int length = Math.Min(ChunkLength, f.Size - start);
            UpdateLoop.Run(new VelocityRule(pass, velocity, beta2, oneMinusBeta2, epsilon1, f.Row, start), start, start + length);
            sum += TensorPrimitives.Sum<float>(f.Row.AsSpan(0, length));
        }
        return sum;
    }

    /// <summary>g² of the row at <paramref name="start"/>: into <paramref name="squares"/> and added to the column sums.</summary>
    private readonly struct SquaresRule(ParameterPass pass, float[] squares, float[] columnSums, int start) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var square = T.SquareFlushed(pass.Gradient<T>(i));
            square.Store(squares, i - start);
            (T.Load(columnSums, i - start) + square).Store(columnSums, i - start);
        }
    }

    /// <summary>The row at <paramref name="start"/> of v = (r_i/mean r)·c (at least 2⁻¹²⁶), stored, and its g²/v into
    /// <paramref name="ratios"/>.</summary>
    private readonly struct FactoredVelocityRule(ParameterPass pass, float[] velocity, float[] c, int columnOffset,
        float rowFactor, float[] ratios, int start) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var v = T.Max(T.Load(c, i + columnOffset) * rowFactor, T.Broadcast(LaneConstants.SmallestNormal));
            v.Store(velocity, i);
            (T.SquareFlushed(pass.Gradient<T>(i)) / v).Store(ratios, i - start);
        }
    }

    /// <summary>Rank &lt; 2: v = beta·v + (1 − beta)·(g² + epsilon_1) (at least 2⁻¹²⁶), stored, and g²/v into
    /// <paramref name="ratios"/> from <paramref name="start"/> on.</summary>
    private readonly struct VelocityRule(ParameterPass pass, float[] velocity, float beta2, float oneMinusBeta2,
        float epsilon1, float[] ratios, int start) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var square = T.SquareFlushed(pass.Gradient<T>(i));
            var v = T.Max(T.Load(velocity, i) * beta2 + (square + epsilon1) * oneMinusBeta2,
                T.Broadcast(LaneConstants.SmallestNormal));
            v.Store(velocity, i);
            (square / v).Store(ratios, i - start);
        }
    }

    /// <summary>w −= scale·g/sqrt(v), scale = alpha / max(1, RMS(u)/clip_threshold).</summary>
    private readonly struct Rule(ParameterPass pass, float[] velocity, float scale) : IUpdateRule
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Step<T>(int i) where T : struct, ILanes<T>
        {
            var g = pass.Gradient<T>(i);
            var w = pass.DecayedWeight<T>(i);
            (w - g / T.Sqrt(T.Load(velocity, i)) * scale).Store(pass.Weights, i);
        }
    }

    /// <summary>A weight seen as [batches, rows, columns] over its last two axes (rank ≥ 2), its scratch (a row, or a
    /// chunk for rank &lt; 2, and the column sums), and how much of it the step in flight has counted in.</summary>
    private sealed class Factoring
    {
        public readonly int Size, Batches, Rows, Columns;
        public readonly bool Factored;
        public readonly float[] Row, ColumnSums;
        public int Covered;

        public Factoring(int[] shape)
        {
            Size = 1;
            foreach (int d in shape) Size *= d;
            Factored = shape.Length >= 2;
            if (Factored)
            {
                Rows = shape[^2];
                Columns = shape[^1];
                Batches = Rows * Columns == 0 ? 0 : Size / (Rows * Columns);
            }
            Row = new float[Factored ? Columns : Math.Min(Size, ChunkLength)];
            ColumnSums = new float[Columns];
        }
    }

    private protected override void AddConfig(Config config)
    {
        config["beta_2_decay"] = Beta2Decay;
        config["epsilon_1"] = Epsilon1;
        config["epsilon_2"] = Epsilon2;
        config["clip_threshold"] = ClipThreshold;
        config["relative_step"] = RelativeStep;
    }

    private static readonly string[] OwnKeys = ["beta_2_decay", "epsilon_1", "epsilon_2", "clip_threshold", "relative_step"];

    public static Adafactor FromConfig(Config config)
    {
        var c = ReadCommon(config, "Adafactor", OwnKeys);
        config.RefuseNull("Adafactor", OwnKeys);
        return new Adafactor(c.LearningRate, config.GetDouble("beta_2_decay", -0.8), config.GetDouble("epsilon_1", 1e-30),
            config.GetDouble("epsilon_2", 1e-3), config.GetDouble("clip_threshold", 1.0), config.GetBool("relative_step", true),
            c.WeightDecay, c.ClipNorm, c.ClipValue, c.GlobalClipNorm, c.Name ?? "adafactor");
    }
}
