using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops.Recurrent;

/// <summary>
/// What every recurrent op over a whole sequence shares (backpropagation through time). The input
/// [batch, steps, features] is copied time-major in processing order (reversed for goBackwards; dropout
/// in RecurrentOp.Dropout.cs), projected for all steps at once (one packed GEMM, [steps·batch, features]·kernel),
/// then the subclass runs its cell step by step, its recurrent product per step in the same GEMM.
/// The backward pass walks the steps in reverse: each step leaves the gradient of its gates' x-side
/// pre-activations in <see cref="GradProjected"/>, and the kernel's gradient and the input's gradient
/// are then one GEMM each. Every buffer is allocated here, so a replayed step allocates nothing.
/// The samples of a batch are independent sequences, so both walks through time run on groups of batch rows shared
/// among the kernel threads, each group through all the steps without waiting for the others; every row's arithmetic is
/// the same whichever group it falls in (the GEMM computes each element alike for any block of rows), so the
/// results do not depend on the thread count.
/// With a timestep mask (Keras's, [batch, steps], 1 for a real step), a masked step keeps the previous state (and an
/// LSTM's cell) and its output is that state, or zero with zero_output_for_mask, as Keras's backend rnn; in the backward
/// pass the state's gradient crosses a masked step unchanged and the step's gates get none.
/// A caller may give the initial state h_0 (and an LSTM's initial cell) instead of zeros, and ask for the final states
/// too (Keras's initial_state and return_state): the output then packs, per sample, the usual output's rows followed by
/// h_T and the carried state, [batch, outputRows + states, units], and the final states' gradients enter the walk back
/// at its first step; the initial states get dLoss/dh_0 and dLoss/dc_0, what the walk leaves when it reaches step 0.
/// Inputs: x, kernel, recurrent kernel, then the bias when used, the mask when given, then the initial states when given.
/// </summary>
internal abstract unsafe partial class RecurrentOp : Op, IStateGradientOp
{
    /// <summary>Batch rows per group of the parallel walks: one AVX-512 micro-kernel tile of the GEMM (8 rows).</summary>
    private const int RowGroup = 8;

    protected readonly int Batch, Steps, Features, Units, Width;
    private readonly bool returnSequences, goBackwards;
    private readonly float[] inputTimeMajor, gradInputTimeMajor;
    private readonly bool hasBias, zeroOutputForMask;
    // The timestep mask time-major in processing order [steps, batch], and the gradients a masked row carries
    // across its step: dLoss/dh and the subclass's carried state's.
    private readonly float[]? stepMask, heldStateGradient, heldCarriedGradient;
    // ‖dLoss/dh_t‖² per step and batch row [steps, batch] while the norms are recorded, summed per step after the walk.
    private float[]? stateGradientSquares;
    // Positions among the inputs (-1: not given), the carried state's size per sample, and the output's rows per sample.
    private readonly int maskInput, initialStateInput, initialCarriedInput;
    private readonly int carriedStateSize, outputRowsPerSample;
    private readonly bool returnState, carryStates;

    /// <param name="gatesPerUnit">Columns of the kernel per unit: 4 for LSTM, 3 for GRU, 1 for SimpleRNN.</param>
    /// <param name="carriedStateSize">Values per sample of a second state the cell carries (an LSTM's cell), 0 if none.</param>
    protected RecurrentOp(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, int gatesPerUnit,
        RecurrentOptions options, int carriedStateSize = 0)
        : base(InputsOf(x, kernel, recurrentKernel, bias, options), OutputShape(x, recurrentKernel, options, carriedStateSize))
    {
        Batch = x.Shape[0];
        Steps = x.Shape[1];
        Features = x.Shape[2];
        Units = recurrentKernel.Shape[0];
        Width = gatesPerUnit * Units;
        CheckWeight("kernel", kernel, [Features, Width]);
        CheckWeight("recurrent kernel", recurrentKernel, [Units, Width]);
        hasBias = bias is not null;
        this.carriedStateSize = carriedStateSize;
        int next = hasBias ? 4 : 3;
        maskInput = options.Mask is null ? -1 : next++;
        initialStateInput = options.InitialState is null ? -1 : next++;
        initialCarriedInput = options.InitialCarriedState is null ? -1 : next++;
        CheckInitialState("initial state", options.InitialState, Units);
        CheckInitialState("initial carried state", options.InitialCarriedState, carriedStateSize);
        returnState = options.ReturnState;
        carryStates = options.CarryStates;
        if (carryStates && initialStateInput < 0)
            throw new ArgumentException("A recurrent op that carries its states needs the initial states to write them into.");
        outputRowsPerSample = Output.Size / Math.Max(1, Batch * Units);
        if (options.Mask is not null)
        {
            stepMask = new float[Steps * Batch];
            heldStateGradient = new float[Batch * Units];
            heldCarriedGradient = new float[Batch * carriedStateSize];
            zeroOutputForMask = options.ZeroOutputForMask;
        }
        returnSequences = options.ReturnSequences;
        goBackwards = options.GoBackwards;
        AllocateDropout(options, gatesPerUnit);
        int rows = Steps * Batch;
        inputTimeMajor = new float[rows * Features];
        gradInputTimeMajor = new float[rows * Features];
        Projected = new float[rows * Width];
        GradProjected = new float[rows * Width];
        States = new float[(Steps + 1) * Batch * Units];
        GradState = new float[Batch * Units];
        RecurrentStepProduct = new float[Batch * Width];
        RecurrentKernelTransposed = new float[Width * Units];
    }

    /// <summary>x·kernel (plus the input-side bias) for every step, time-major: [steps, batch, width].</summary>
    protected float[] Projected { get; }

    /// <summary>dLoss/d(x-side pre-activations) per step, time-major [steps, batch, width], written by
    /// <see cref="BackwardStep"/>.</summary>
    protected float[] GradProjected { get; }

    /// <summary>Hidden states h_0 (zeros) … h_T, time-major [steps + 1, batch, units].</summary>
    protected float[] States { get; }

    /// <summary>dLoss/dh for the step being walked back, [batch, units]: <see cref="BackwardStep"/> reads it
    /// as dLoss/dh_t and leaves dLoss/dh_{t-1} in it.</summary>
    protected float[] GradState { get; }

    /// <summary>Scratch [batch, width] for one step's recurrent product h_{t-1}·recurrent_kernel.</summary>
    protected float[] RecurrentStepProduct { get; }

    /// <summary>The recurrent kernel transposed, [width, units], written at the start of each backward pass, so the
    /// per-step dz·Uᵀ reads it in place instead of packing U transposed at every step.</summary>
    protected float[] RecurrentKernelTransposed { get; }

    protected Tensor Kernel => Inputs[1];

    protected Tensor RecurrentKernel => Inputs[2];

    protected Tensor? Bias => hasBias ? Inputs[3] : null;

    private Tensor? Mask => maskInput < 0 ? null : Inputs[maskInput];

    private static Tensor[] InputsOf(Tensor x, Tensor kernel, Tensor recurrentKernel, Tensor? bias, RecurrentOptions options)
    {
        var inputs = new List<Tensor> { x, kernel, recurrentKernel };
        if (bias is not null) inputs.Add(bias);
        if (options.Mask is not null) inputs.Add(options.Mask);
        if (options.InitialState is not null) inputs.Add(options.InitialState);
        if (options.InitialCarriedState is not null) inputs.Add(options.InitialCarriedState);
        return [.. inputs];
    }

    /// <summary>The second state a cell carries from step to step besides h (an LSTM's cell c) at index t, [batch, size];
    /// empty for cells without one. A masked step keeps it too.</summary>
    protected virtual Span<float> CarriedState(int t) => default;

    /// <summary>dLoss/d(carried state) for the step being walked back, [batch, size]; empty for cells without one.</summary>
    protected virtual Span<float> CarriedStateGradient => default;

    /// <summary>h_t for step t (0 is the zero initial state), [batch, units].</summary>
    protected Span<float> State(int t) => States.AsSpan(t * Batch * Units, Batch * Units);

    protected Span<float> StepOf(float[] timeMajor, int t, int width) => timeMajor.AsSpan(t * Batch * width, Batch * width);

    /// <summary>Per-step norms ‖dLoss/dh_t‖ over the batch from the last backward pass, in processing order
    /// (index t is step t+1's state h_{t+1}); null until <see cref="RecordStateGradientNorms"/> is set.</summary>
    public float[]? StateGradientNorms { get; private set; }

    /// <summary>Whether the backward pass records ‖dLoss/dh_t‖ per step (one dot product per step).</summary>
    public bool RecordStateGradientNorms
    {
        get => StateGradientNorms is not null;
        set
        {
            StateGradientNorms = value ? new float[Steps] : null;
            stateGradientSquares = value ? new float[Steps * Batch] : null;
        }
    }

    private static int[] OutputShape(Tensor x, Tensor recurrentKernel, RecurrentOptions options, int carriedStateSize)
    {
        if (x.Rank != 3)
            throw new ArgumentException(
                $"A recurrent op needs inputs [batch, timesteps, features]; found {Tensor.ShapeString(x.Shape)}.");
        if (recurrentKernel.Rank != 2)
            throw new ArgumentException(
                $"A recurrent kernel is [units, gates·units]; found {Tensor.ShapeString(recurrentKernel.Shape)}.");
        if (options.Mask is { } mask && (mask.Rank != 2 || mask.Shape[0] != x.Shape[0] || mask.Shape[1] != x.Shape[1]))
            throw new ArgumentException(
                $"A recurrent op's mask is [batch, timesteps] = [{x.Shape[0]}, {x.Shape[1]}]; found {Tensor.ShapeString(mask.Shape)}.");
        int units = recurrentKernel.Shape[0];
        if (options.ReturnState)
        {
            if (carriedStateSize != 0 && carriedStateSize != units)
                throw new ArgumentException($"A recurrent op returns its states as rows of {units} units; its carried state has {carriedStateSize}.");
            int rows = (options.ReturnSequences ? x.Shape[1] : 1) + 1 + (carriedStateSize > 0 ? 1 : 0);
            return [x.Shape[0], rows, units];
        }
        return options.ReturnSequences ? [x.Shape[0], x.Shape[1], units] : [x.Shape[0], units];
    }

    protected static void CheckWeight(string what, Tensor weight, int[] expected)
    {
        if (!Tensor.SameShape(weight.Shape, expected))
            throw new ArgumentException(
                $"The {what} has shape {Tensor.ShapeString(weight.Shape)}; the recurrent op expects {Tensor.ShapeString(expected)}.");
    }

    public override void Forward()
    {
        LoadInputs();
        ProjectInputs();
        AddInputBias(Projected);
        if (initialStateInput < 0) State(0).Clear();
        else Inputs[initialStateInput].Data.AsSpan(0, Batch * Units).CopyTo(State(0));
        if (initialCarriedInput >= 0) Inputs[initialCarriedInput].Data.AsSpan(0, Batch * carriedStateSize).CopyTo(CarriedState(0));
        RunOnRowGroups(&ForwardRows);
        WriteOutput();
        if (carryStates) CarryFinalStates();
    }

    /// <summary>Every step forward for batch row groups [start, end).</summary>
    private static void ForwardRows(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<RecurrentOp>(state);
        var (r0, r1) = op.RowsOf(start, end);
        for (int t = 0; t < op.Steps; t++)
        {
            op.MultiplyRecurrent(t, r0, r1);
            op.ForwardStep(t, r0, r1);
            if (op.stepMask is not null) op.KeepMaskedStates(t, r0, r1);
        }
    }

    public override void Backward()
    {
        Array.Clear(GradState);
        BeginBackward();
        if (returnState) SeedFinalStateGradients();
        fixed (float* u = RecurrentKernel.Data, uT = RecurrentKernelTransposed)
            TransposeCopy.Run(u, Width, Units, Width, uT, Units);
        RunOnRowGroups(&BackwardRows);
        if (StateGradientNorms is { } norms)
            for (int t = 0; t < Steps; t++)
                norms[t] = MathF.Sqrt(TensorPrimitives.Sum(stateGradientSquares.AsSpan(t * Batch, Batch)));
        FinishRecurrentGradients();
        if (initialStateInput >= 0 && NeedsGrad(initialStateInput))
            TensorPrimitives.Add(Inputs[initialStateInput].Grad!.Data, GradState, Inputs[initialStateInput].Grad!.Data);
        if (initialCarriedInput >= 0 && NeedsGrad(initialCarriedInput))
            TensorPrimitives.Add(Inputs[initialCarriedInput].Grad!.Data, CarriedStateGradient, Inputs[initialCarriedInput].Grad!.Data);
        // kernel (+)= xᵀ·dZ over all steps at once; the input-side bias (+)= Σ dZ.
        if (NeedsGrad(1)) AddKernelGradient();
        AddInputBiasGradient(GradProjected);
        if (NeedsGrad(0)) StoreInputGradient();
    }

    /// <summary>Every step backward, from the last, for batch row groups [start, end).</summary>
    private static void BackwardRows(int start, int end, void* state)
    {
        var op = Unsafe.AsRef<RecurrentOp>(state);
        var (r0, r1) = op.RowsOf(start, end);
        int units = op.Units;
        var dOutput = op.Output.Grad!.Data;
        for (int t = op.Steps - 1; t >= 0; t--)
        {
            if (op.returnSequences || t == op.Steps - 1)
                for (int b = r0; b < r1; b++)
                {
                    if (op.OutputIsZero(t, b)) continue;
                    var dh = op.GradState.AsSpan(b * units, units);
                    int outputRow = b * op.outputRowsPerSample + (op.returnSequences ? t : 0);
                    TensorPrimitives.Add(dh, dOutput.AsSpan(outputRow * units, units), dh);
                }
            if (op.stateGradientSquares is { } squares)
                for (int b = r0; b < r1; b++)
                    squares[t * op.Batch + b] = TensorPrimitives.SumOfSquares(op.GradState.AsSpan(b * units, units));
            if (op.stepMask is null) op.BackwardStep(t, r0, r1);
            else op.BackwardStepKeepingMaskedRows(t, r0, r1);
        }
    }

    /// <summary>Runs <paramref name="body"/> over the batch's row groups on the kernel threads, or on the calling thread
    /// when the whole walk is too small to share (fewer multiply-adds than <see cref="KernelSettings.ParallelThresholdMacs"/>).</summary>
    private void RunOnRowGroups(delegate*<int, int, void*, void> body)
    {
        int groups = (Batch + RowGroup - 1) / RowGroup;
        long macs = (long)Steps * Batch * Units * Width;
        int threads = macs >= KernelSettings.ParallelThresholdMacs ? KernelSettings.MaxThreads : 1;
        var self = this;
        // Two chunks per thread: a thread the OS runs more takes more of them; fewer, larger chunks keep each GEMM tall.
        WorkerPool.For(groups, body, Unsafe.AsPointer(ref self), threads, Math.Max(1, Math.Min(groups, 2 * threads)));
    }

    /// <summary>The batch rows of row groups [start, end).</summary>
    private (int First, int End) RowsOf(int start, int end) => (start * RowGroup, Math.Min(end * RowGroup, Batch));

    /// <summary>h_{t-1}·recurrent_kernel for batch rows [r0, r1) into <see cref="RecurrentStepProduct"/>, in the packed GEMM.</summary>
    protected virtual void MultiplyRecurrent(int t, int r0, int r1) =>
        MultiplyRecurrentBlocks(t, r0, r1, RecurrentKernel.Data, 0, Width / Units, RecurrentStepProduct, accumulate: false);

    /// <summary>Rows [r0, r1) of C (+)= A·B for a [batch, k] A and a [k, n] B, as <see cref="Gemm.Multiply"/> computes them.</summary>
    protected void MultiplyRows(int r0, int r1, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int n, int k, bool accumulate)
    {
        // A single row takes the GEMM's one-row path, which its block entry does not serve; one row is one group anyway.
        if (Batch < 2) Gemm.Multiply(false, false, Batch, n, k, a, b, c, accumulate);
        else Gemm.MultiplyBlock(false, false, Batch, n, k, a, b, c, accumulate, r0..r1, ..);
    }

    /// <summary>Adds the bias that applies to the x-side pre-activations to every row of <paramref name="projected"/>.</summary>
    protected abstract void AddInputBias(Span<float> projected);

    /// <summary>Adds Σ_rows of the x-side gradient into the bias gradient, where the bias applies there.</summary>
    protected abstract void AddInputBiasGradient(ReadOnlySpan<float> gradProjected);

    /// <summary>Computes h_{t+1} (state index t + 1) for batch rows [r0, r1) from <see cref="Projected"/> at step t,
    /// <see cref="RecurrentStepProduct"/> (or what <see cref="MultiplyRecurrent"/> left) and h_t. Runs on row groups
    /// in parallel: it may write only those rows.</summary>
    protected abstract void ForwardStep(int t, int r0, int r1);

    /// <summary>Clears per-pass carries (an LSTM's cell gradient) before the steps are walked back.</summary>
    protected virtual void BeginBackward() { }

    /// <summary>Given dLoss/dh_{t+1} in <see cref="GradState"/>, writes step t's x-side pre-activation gradient
    /// into <see cref="GradProjected"/>, keeps what the recurrent kernel's gradient needs, and leaves
    /// dLoss/dh_t in <see cref="GradState"/>, for batch rows [r0, r1) only (row groups run in parallel).</summary>
    protected abstract void BackwardStep(int t, int r0, int r1);

    /// <summary>Adds the recurrent kernel's (and recurrent bias's) gradient over all steps.</summary>
    protected abstract void FinishRecurrentGradients();

    private void LoadInputs()
    {
        var x = Inputs[0].Data;
        if (Mask is { } mask)
            for (int b = 0; b < Batch; b++)
                for (int s = 0; s < Steps; s++)
                    stepMask![(goBackwards ? Steps - 1 - s : s) * Batch + b] = mask.Data[b * Steps + s] == 0f ? 0f : 1f;
        DrawDropoutMasks();
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Steps; s++)
            {
                int t = goBackwards ? Steps - 1 - s : s;
                x.AsSpan((b * Steps + s) * Features, Features).CopyTo(inputTimeMajor.AsSpan((t * Batch + b) * Features, Features));
            }
        // One input mask for every gate is applied once here; per-gate masks as each gate's columns are projected.
        if (inputMasks is not null && !PerGateInputMasks) MultiplyByInputMask(inputTimeMajor, inputTimeMajor, 0, accumulate: false);
    }

    private void StoreInputGradient()
    {
        InputGradient(gradInputTimeMajor);
        var dx = Inputs[0].Grad!.Data;
        for (int b = 0; b < Batch; b++)
            for (int s = 0; s < Steps; s++)
            {
                int t = goBackwards ? Steps - 1 - s : s;
                var target = dx.AsSpan((b * Steps + s) * Features, Features);
                TensorPrimitives.Add(target, gradInputTimeMajor.AsSpan((t * Batch + b) * Features, Features), target);
            }
    }
}

/// <summary>The options every recurrent op shares.</summary>
/// <param name="Dropout">Fraction of input features dropped, one mask per sample for all steps (per gate block when
/// there is recurrent dropout).</param>
/// <param name="RecurrentDropout">Fraction of h_{t-1}'s units dropped where h_{t-1} multiplies the recurrent kernel, one
/// mask per sample and gate block for all steps (as Keras 3's cells); see RecurrentOp.Dropout.cs.</param>
/// <param name="Mask">Keras's timestep mask [batch, timesteps] (nonzero: a real step), or null.</param>
/// <param name="ZeroOutputForMask">Output zeros at masked steps instead of the kept state (Keras's zero_output_for_mask,
/// which Bidirectional sets when returning sequences).</param>
/// <param name="InitialState">h_0 [batch, units] instead of zeros, or null.</param>
/// <param name="InitialCarriedState">The carried state's start (an LSTM's c_0) instead of zeros, or null.</param>
/// <param name="ReturnState">Pack the final states after the output's rows (see <see cref="RecurrentOp"/>).</param>
/// <param name="CarryStates">Write the final states into the initial state tensors after the forward pass (a stateful
/// layer's next call starts from them); their values at this call's start were copied in first.</param>
internal readonly record struct RecurrentOptions(bool ReturnSequences, bool GoBackwards, float Dropout = 0,
    RandomGenerator? DropoutGenerator = null, float RecurrentDropout = 0, Tensor? Mask = null, bool ZeroOutputForMask = false,
    Tensor? InitialState = null, Tensor? InitialCarriedState = null, bool ReturnState = false, bool CarryStates = false);
