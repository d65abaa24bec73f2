using System.Text.RegularExpressions;

namespace Nabla.Layers;

/// <summary>
/// The equation of an <see cref="EinsumDense"/>, "input,kernel->output", in the three forms Keras accepts
/// (keras/src/layers/core/einsum_dense.py, _analyze_einsum_string): no ellipsis (the input's first letter is the batch
/// axis), "...x,xy->...y" (the ellipsis covers the batch and any leading axes) and "ab...,bc->ac..." (trailing axes
/// carried through). Sizes follow _analyze_split_string: a kernel letter takes the input's length where the input has
/// it, else output_shape's; the bias spans the output from its first bias letter on, 1 on the others.
/// The product is recorded as Transpose, Reshape and MatMul/BatchMatMul ops, so gradients come from those ops.
/// </summary>
internal sealed partial class EinsumEquation
{
    private enum Ellipsis { None, Left, Right }

    private readonly Ellipsis form;
    private readonly string input, kernel, output, owner;
    private readonly int[] partialOutputShape;
    private readonly string biasAxes;

    // Keras matches its regexes from the start only; Nabla matches the whole equation so that trailing text is refused.
    [GeneratedRegex(@"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$")]
    private static partial Regex Plain();

    [GeneratedRegex(@"^\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)$")]
    private static partial Regex LeftElided();

    [GeneratedRegex(@"^([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\.$")]
    private static partial Regex RightElided();

    /// <param name="partialOutputShape">Keras's output_shape: the output's lengths without the batch axis and the
    /// ellipsis; <see cref="Layer.UnknownDimension"/> for None.</param>
    /// <param name="owner">Names the layer in messages: "EinsumDense 'name'".</param>
    public EinsumEquation(string equation, int[] partialOutputShape, string? biasAxes, string owner)
    {
        ArgumentNullException.ThrowIfNull(equation);
        ArgumentNullException.ThrowIfNull(partialOutputShape);
        this.owner = owner;
        this.partialOutputShape = partialOutputShape;
        this.biasAxes = biasAxes ?? "";
        (form, var match) = Plain().Match(equation) is { Success: true } plain ? (Ellipsis.None, plain)
            : LeftElided().Match(equation) is { Success: true } left ? (Ellipsis.Left, left)
            : RightElided().Match(equation) is { Success: true } right ? (Ellipsis.Right, right)
            : throw Refuse(equation, "is not one of Keras's forms [X],[Y]->[Z], ...[X],[Y]->...[Z] or [X]...,[Y]->[Z]... " +
                "(two operands, letters only)");
        (input, kernel, output) = (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
        Validate(equation);
    }

    /// <summary>Whether bias_axes names any letter (Keras adds a bias only then).</summary>
    public bool HasBias => biasAxes.Length > 0;

    private ArgumentException Refuse(string equation, string what) =>
        new($"{owner}: equation '{equation}' {what}.");

    private void Validate(string equation)
    {
        foreach (var (term, letters) in new[] { ("input", input), ("kernel", kernel), ("output", output) })
            if (letters.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw Refuse(equation, $"repeats '{twice.Key}' in its {term} term '{letters}'; EinsumDense takes no diagonals");
        // The two checks Keras's _analyze_split_string makes.
        foreach (char c in output)
            if (!input.Contains(c) && !kernel.Contains(c))
                throw Refuse(equation, $"has '{c}' in the output '{output}' but neither in the input '{input}' nor the kernel '{kernel}'");
        foreach (char c in kernel)
            if (!input.Contains(c) && !output.Contains(c))
                throw Refuse(equation, $"has '{c}' in the kernel '{kernel}' but neither in the input '{input}' nor the output " +
                    $"'{output}', so its length is unknown");
        // Without a left ellipsis the first letters are the batch axis (Keras puts the batch length first in the output).
        if (form != Ellipsis.Left && (output[0] != input[0] || kernel.Contains(input[0])))
            throw Refuse(equation, $"must keep the input's first letter '{input[0]}', the batch axis, first in the output " +
                "and out of the kernel");
        int expected = form == Ellipsis.Left ? output.Length : output.Length - 1;
        if (partialOutputShape.Length != expected)
            throw Refuse(equation, $"has {expected} output axes after the batch axis{(form == Ellipsis.None ? "" : " and the ellipsis")} " +
                $"but output_shape gives {partialOutputShape.Length} ({Text(partialOutputShape)})");
        for (int i = 0; i < expected; i++)
        {
            int length = partialOutputShape[i];
            char c = output[i + output.Length - expected];
            if (length == 0 || length < Layer.UnknownDimension)
                throw Refuse(equation, $"gets output_shape length {length} for '{c}'; lengths are positive or None");
            if (length == Layer.UnknownDimension && !input.Contains(c))
                throw Refuse(equation, $"gets output_shape None for '{c}', which only the kernel has; its length must be given");
        }
        foreach (char c in biasAxes)
        {
            if (!output.Contains(c))
                throw Refuse(equation, $"has no '{c}' in its output '{output}' for bias_axes '{biasAxes}'");
            if (form != Ellipsis.Left && c == output[0])
                throw Refuse(equation, $"has '{c}', the batch axis, in bias_axes '{biasAxes}'; a bias cannot span the batch");
        }
    }

    /// <summary>Lengths as Keras writes output_shape: None for unknown.</summary>
    private static string Text(int[] lengths) =>
        "[" + string.Join(", ", lengths.Select(d => d == Layer.UnknownDimension ? "None" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    // The ellipsis' axes get letters no equation can use (Keras's _analyze_quantization_info pads with unused letters too).
    private static string Elided(int count) => new([.. Enumerable.Range(0, count).Select(i => (char)('α' + i))]);

    /// <summary>The input's letters for a batch of rank <paramref name="rank"/> (batch axis included).</summary>
    private string FullInput(int rank)
    {
        int elided = rank - input.Length;
        return form switch
        {
            Ellipsis.None when elided == 0 => input,
            Ellipsis.Left when elided >= 1 => Elided(elided) + input,
            Ellipsis.Right when elided >= 0 => input + Elided(elided),
            _ => throw new ArgumentException(
                $"{owner}: inputs of rank {rank - 1} per sample do not fit the input term '{input}'" +
                (form == Ellipsis.None ? $" (its first letter is the batch axis, so it takes rank {input.Length - 1})"
                    : form == Ellipsis.Left ? $" (the ellipsis covers at least the batch axis, so it takes rank {input.Length} or more)"
                    : $" (its first letter is the batch axis, so it takes rank {input.Length - 1} or more)") + "."),
        };
    }

    private string FullOutput(int rank)
    {
        int elided = FullInput(rank).Length - input.Length;
        return form == Ellipsis.Left ? Elided(elided) + output : output + Elided(elided);
    }

    /// <summary>Whether per-sample axis <paramref name="axis"/> may vary: the kernel and bias do not read its length.</summary>
    public bool IsFree(int axis, int rank)
    {
        char c = FullInput(rank + 1)[axis + 1];
        return !kernel.Contains(c) && !biasAxes.Contains(c);
    }

    /// <summary>Each letter's length: the input's where it has the letter, else output_shape's.</summary>
    private Dictionary<char, int> Lengths(int[] batchShape)
    {
        string full = FullInput(batchShape.Length), fullOutput = FullOutput(batchShape.Length);
        var lengths = new Dictionary<char, int>();
        for (int i = 0; i < full.Length; i++) lengths[full[i]] = batchShape[i];
        // output_shape leaves out the batch letter, or the left ellipsis (which holds the batch), and a right ellipsis.
        int offset = form == Ellipsis.Left ? fullOutput.Length - output.Length : 1;
        for (int i = 0; i < partialOutputShape.Length; i++)
        {
            char c = fullOutput[offset + i];
            int given = partialOutputShape[i];
            if (!lengths.TryGetValue(c, out int known)) lengths[c] = given;
            // Keras: "Input shape and output shape do not match at shared dimension".
            else if (given != Layer.UnknownDimension && known != Layer.UnknownDimension && given != known)
                throw new ArgumentException($"{owner}: output_shape gives {given} for '{c}' but the input's axis '{c}' has length {known}.");
        }
        return lengths;
    }

    public int[] KernelShape(int[] perSampleShape)
    {
        var lengths = Lengths([1, .. perSampleShape]);
        return [.. kernel.Select(c => lengths[c])];
    }

    /// <summary>Keras's bias shape, or null without bias_axes: the output's axes from the first bias letter on (1 where
    /// the bias does not vary), then 1 for each axis of a right ellipsis.</summary>
    public int[]? BiasShape(int[] perSampleShape)
    {
        if (!HasBias) return null;
        var lengths = Lengths([1, .. perSampleShape]);
        int first = biasAxes.Min(c => output.IndexOf(c));
        int trailing = form == Ellipsis.Right ? FullOutput(perSampleShape.Length + 1).Length - output.Length : 0;
        return [.. output[first..].Select(c => biasAxes.Contains(c) ? lengths[c] : 1), .. Enumerable.Repeat(1, trailing)];
    }

    /// <summary>The per-sample output shape: the input's lengths for its letters, output_shape's for the kernel's.</summary>
    public int[] OutputShape(int[] perSampleShape)
    {
        var lengths = Lengths([1, .. perSampleShape]);
        return [.. FullOutput(perSampleShape.Length + 1)[1..].Select(c => lengths[c])];
    }

    /// <summary>einsum(x, w): letters only the input has are summed first; then x is permuted to [shared, free, contracted]
    /// and w to [shared, contracted, own], one matrix product per shared index, and the result permuted to the output's order.</summary>
    public Tensor Apply(Tensor x, Tensor w)
    {
        string inL = FullInput(x.Rank), outL = FullOutput(x.Rank);
        int[] summed = [.. Enumerable.Range(0, inL.Length).Where(i => !kernel.Contains(inL[i]) && !outL.Contains(inL[i]))];
        if (summed.Length > 0)
        {
            x = Tensor.Sum(x, summed);
            inL = new([.. inL.Where((_, i) => !summed.Contains(i))]);
        }
        var lengths = new Dictionary<char, int>();
        for (int i = 0; i < inL.Length; i++) lengths[inL[i]] = x.Shape[i];
        for (int i = 0; i < kernel.Length; i++) lengths[kernel[i]] = w.Shape[i];
        string shared = new([.. outL.Where(c => inL.Contains(c) && kernel.Contains(c))]);
        string free = new([.. outL.Where(c => inL.Contains(c) && !kernel.Contains(c))]);
        string own = new([.. outL.Where(c => !inL.Contains(c))]);
        string contracted = new([.. inL.Where(c => kernel.Contains(c) && !outL.Contains(c))]);
        int Product(string letters) => letters.Aggregate(1, (p, c) => p * lengths[c]);
        var xs = Permute(x, inL, shared + free + contracted);
        var ws = Permute(w, kernel, shared + contracted + own);
        var (b, m, k, n) = (Product(shared), Product(free), Product(contracted), Product(own));
        var y = b == 1
            ? Tensor.MatMul(Reshape(xs, m, k), Reshape(ws, k, n))
            : Tensor.BatchMatMul(Reshape(xs, b, m, k), Reshape(ws, b, k, n));
        string order = shared + free + own;
        return Permute(Reshape(y, [.. order.Select(c => lengths[c])]), order, outL);
    }

    private static Tensor Permute(Tensor t, string from, string to) =>
        from == to ? t : Tensor.Transpose(t, [.. to.Select(c => from.IndexOf(c))]);

    private static Tensor Reshape(Tensor t, params int[] shape) =>
        t.Shape.AsSpan().SequenceEqual(shape) ? t : Tensor.Reshape(t, shape);
}
