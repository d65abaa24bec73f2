using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Kernels;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>A ConvLSTM's calls: the recurrence recorded step by step, its initial states and its returned states.</summary>
public abstract partial class ConvLSTM
{
    /// <summary>
    /// Runs the layer on a batch of sequences [batch, time, spatial..., channels] from the given initial states (none:
    /// zeros; else h and c, each [batch, spatial..., filters] of the output's spatial size, as Keras's <c>initial_state</c>)
    /// and returns the output, then h and c when <see cref="RnnLayer.ReturnState"/> is set.
    /// </summary>
    public override IReadOnlyList<Tensor> CallAll(Tensor inputs, IReadOnlyList<Tensor>? initialState, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckInput(inputs);
        var mask = inputs.KerasMask;
        if (mask is not null) CheckTimestepMask(inputs, mask);
        if (!layout.ChannelsFirst) return ChannelsLastCall(inputs, mask, initialState, training);
        // Channels-first: the sequence's channels (axis 2) and the states' (axis 1) move last around the recurrence, and back.
        CheckInitialState(initialState ?? [], [inputs.Shape[0], .. layout.FromLast(StateShape(layout.ToLast(inputs.Shape[2..])))]);
        var results = ChannelsLastCall(ImageLayout.Move(inputs, ChannelsLastOrder(inputs.Rank)!), mask,
            initialState?.Select(layout.ToLast).ToList(), training);
        return [.. results.Select(r => ImageLayout.Move(r, Tensor.InversePermutation(ChannelsLastOrder(r.Rank)!)))];
    }

    /// <summary>The call on channels-last sequences and states, <paramref name="mask"/> the sequence's timestep mask.</summary>
    private IReadOnlyList<Tensor> ChannelsLastCall(Tensor inputs, Tensor? mask, IReadOnlyList<Tensor>? initialState, bool training)
    {
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        int[] stepShape = inputs.Shape[2..];
        var geometry = inputGeometry ?? InputGeometry(stepShape);
        int[] stateShape = [batch, .. geometry.OutSpatial(rank), Filters];
        CheckInitialState(initialState ?? [], stateShape);
        if (steps == 0)
            throw new ArgumentException($"Layer '{Name}' ({ClassName}) receives a sequence of no time steps.");

        var inputGates = InputGates(inputs, geometry, training);
        var recurrentGeometry = this.recurrentGeometry ?? RecurrentGeometry(stateShape[1..]);
        var recurrentMasks = training && RecurrentDropout > 0 ? GateMasks(stateShape, RecurrentDropout) : null;
        Tensor? h = initialState is [var h0, _] ? h0 : null, c = initialState is [_, var c0] ? c0 : null, output = null;
        var outputs = new Tensor[ReturnSequences ? steps : 0];
        for (int k = 0; k < steps; k++)
        {
            int t = GoBackwards ? steps - 1 - k : k;
            var z = StepSlice(inputGates, t);
            // A zero initial state adds nothing: the first step's recurrent product and f·c_{t-1} are left out.
            if (h is not null) z = Tensor.Add(z, RecurrentGates(h, recurrentGeometry, recurrentMasks));
            var inputGate = RecurrentActivation.Apply(Gate(z, 0));
            var candidate = Activation.Apply(Gate(z, 2));
            var kept = Tensor.Multiply(inputGate, candidate);
            var newC = c is null ? kept : Tensor.Add(Tensor.Multiply(RecurrentActivation.Apply(Gate(z, 1)), c), kept);
            var newH = Tensor.Multiply(RecurrentActivation.Apply(Gate(z, 3)), Activation.Apply(newC));
            if (mask is { } timestepMask)
            {
                var step = MaskedStep.At(timestepMask, t, stateShape);
                (h, c) = (step.Choose(newH, h), step.Choose(newC, c));
                // Keras's RNN: a masked step outputs the previous output (zeros before the first real step), or zeros.
                output = step.Choose(newH, ZeroOutputForMask ? null : output);
            }
            else (h, c, output) = (newH, newC, newH);
            if (ReturnSequences) outputs[k] = Tensor.Reshape(output, [batch, 1, .. stateShape[1..]]);
        }
        var sequenceOutput = !ReturnSequences ? output! : steps == 1 ? outputs[0] : Tensor.Concat(outputs, axis: 1);
        return ReturnState ? [sequenceOutput, h!, c!] : [sequenceOutput];
    }

    /// <summary>One step's timestep mask, read as 1 (a real step) or 0 per sample and broadcast over a state.</summary>
    private readonly record struct MaskedStep(Tensor Real, Tensor Masked)
    {
        public static MaskedStep At(Tensor mask, int t, int[] stateShape)
        {
            var shape = new int[stateShape.Length];
            Array.Fill(shape, 1);
            shape[0] = stateShape[0];
            var real = Tensor.Reshape(Tensor.Slice(mask, [0, t], [stateShape[0], 1]), shape);
            return new MaskedStep(real, Tensor.Subtract(Tensor.Full(1f, shape), real));
        }

        /// <summary>The new value at a real step, the old one (zeros when none) at a masked one: real·new + masked·old,
        /// exact for a 0/1 mask.</summary>
        public Tensor Choose(Tensor value, Tensor? old) => old is null
            ? Tensor.Multiply(Real, value)
            : Tensor.Add(Tensor.Multiply(Real, value), Tensor.Multiply(Masked, old));
    }

    /// <summary>conv(x_t, kernel) + bias for every step at once, [batch, time, spatial..., 4·filters]: the steps are
    /// independent samples of one convolution. With input dropout, each gate's block convolves its own dropped copy.</summary>
    private Tensor InputGates(Tensor inputs, ConvGeometry geometry, bool training)
    {
        int batch = inputs.Shape[0], steps = inputs.Shape[1];
        int[] outSpatial = geometry.OutSpatial(rank);
        var linear = ActivationFunction.Get(null);
        Tensor ConvolveSteps(Tensor x, Tensor k, Tensor? b) =>
            Op.Record(new ConvOp(Tensor.Reshape(x, [batch * steps, .. x.Shape[2..]]), k, b, geometry, linear));
        Tensor gates;
        if (training && Dropout > 0)
        {
            // One mask per sample and gate, shared by all its steps: Keras's cell draws its masks once per call.
            int[] maskShape = [batch, 1, .. inputs.Shape[2..]];
            gates = Tensor.Concat([.. Enumerable.Range(0, 4).Select(g =>
                ConvolveSteps(Op.Record(new DropoutOp(inputs, (float)Dropout, DropoutGenerator, maskShape)), KernelBlock(Kernel, g),
                    bias is null ? null : Tensor.Slice(bias, [g * Filters], [Filters])))], axis: -1);
        }
        else gates = ConvolveSteps(inputs, Kernel, bias);
        return Tensor.Reshape(gates, [batch, steps, .. outSpatial, 4 * Filters]);
    }

    /// <summary>conv(h_{t-1}, recurrent_kernel), each gate's block from its own dropped copy of h under recurrent dropout.</summary>
    private Tensor RecurrentGates(Tensor h, ConvGeometry geometry, Tensor[]? masks)
    {
        var linear = ActivationFunction.Get(null);
        if (masks is null) return Op.Record(new ConvOp(h, RecurrentKernel, null, geometry, linear));
        return Tensor.Concat([.. Enumerable.Range(0, 4).Select(g =>
            Op.Record(new ConvOp(Tensor.Multiply(h, masks[g]), KernelBlock(RecurrentKernel, g), null, geometry, linear)))], axis: -1);
    }

    /// <summary>Four dropout masks of <paramref name="shape"/>, drawn anew on every forward pass (a dropout of ones), each
    /// read by every step of the call.</summary>
    private Tensor[] GateMasks(int[] shape, double rate)
    {
        var ones = Tensor.Full(1f, shape);
        return [.. Enumerable.Range(0, 4).Select(_ => Op.Record(new DropoutOp(ones, (float)rate, DropoutGenerator)))];
    }

    /// <summary>Gate <paramref name="gate"/>'s columns of a kernel [window..., in, 4·filters].</summary>
    private Tensor KernelBlock(Tensor weights, int gate)
    {
        var starts = new int[weights.Rank];
        starts[^1] = gate * Filters;
        return Tensor.Slice(weights, starts, [.. weights.Shape[..^1], Filters]);
    }

    /// <summary>Step <paramref name="t"/> of [batch, time, spatial..., channels], as [batch, spatial..., channels].</summary>
    private static Tensor StepSlice(Tensor sequence, int t)
    {
        var starts = new int[sequence.Rank];
        starts[1] = t;
        int[] lengths = [.. sequence.Shape];
        lengths[1] = 1;
        return Tensor.Reshape(Tensor.Slice(sequence, starts, lengths), [sequence.Shape[0], .. sequence.Shape[2..]]);
    }

    /// <summary>Gate <paramref name="gate"/>'s block (i, f, c, o) of the pre-activations [batch, spatial..., 4·filters].</summary>
    private Tensor Gate(Tensor z, int gate) => KernelBlock(z, gate);

    private void CheckInitialState(IReadOnlyList<Tensor> initialState, int[] stateShape)
    {
        if (initialState.Count == 0) return;
        if (initialState.Count != 2)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) carries 2 states (h and c); its initial_state has {initialState.Count} tensors.");
        for (int k = 0; k < 2; k++)
            if (initialState[k] is not { } state || !state.Shape.AsSpan().SequenceEqual(stateShape))
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}): initial_state[{k}] must be {Tensor.ShapeString(stateShape)} (the output's spatial " +
                    $"size and filters); found {(initialState[k] is null ? "null" : Tensor.ShapeString(initialState[k].Shape))}.");
    }

    /// <summary>A call's inputs are the sequence and, optionally, its initial h and c; it makes the output and, with
    /// <see cref="RnnLayer.ReturnState"/>, h and c.</summary>
    protected internal override IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Config? options = null)
    {
        if (inputShapes.Count != 1 && inputShapes.Count != 3)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) reads a sequence and, optionally, its 2 initial states; {inputShapes.Count} inputs were given.");
        Build(inputShapes[0]);
        var stateShape = layout.FromLast(StateShape(layout.ToLast(inputShapes[0][1..])));
        for (int k = 1; k < inputShapes.Count; k++)
            if (!inputShapes[k].AsSpan().SequenceEqual(stateShape))
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}): initial_state[{k - 1}] must have shape {Describe(stateShape)}; found {Describe(inputShapes[k])}.");
        return [ComputeOutputShape(inputShapes[0]), .. Enumerable.Repeat(stateShape, ReturnState ? 2 : 0)];
    }
}
