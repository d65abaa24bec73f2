using Nabla.Autograd;

namespace Nabla;

/// <summary>
/// A dense, row-major float32 tensor of any rank. A tensor that requires gradients remembers the
/// operation that produced it (<see cref="Creator"/>), which is all the autograd graph is made of.
/// </summary>
public sealed partial class Tensor
{
    /// <summary>The flat row-major storage. Its length is exactly <see cref="Size"/>.</summary>
    public float[] Data { get; }

    public int[] Shape { get; }

    public int Size => Data.Length;

    public int Rank => Shape.Length;

    /// <summary>Whether operations on this tensor are recorded for reverse-mode differentiation.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The gradient of the last backward pass, or null when the loss did not reach this tensor.</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The operation that produced this tensor, or null for leaves (inputs, weights).</summary>
    public Op? Creator { get; internal set; }

    /// <summary>
    /// Marks a graph input whose values are replaced on every replay of a captured graph (<see cref="Autograd.Graph.Forward"/>)
    /// (a batch of x or y). Operations on it are recorded even though it needs no gradient.
    /// </summary>
    public bool IsPlaceholder { get; init; }

    /// <summary>Keras's <c>_keras_logits</c>: the activated op that produced this tensor from logits it keeps, which a
    /// crossentropy reads in place of the probabilities, as Keras's TensorFlow backend does. Set whether or not
    /// the op is recorded, so evaluation reads the same logits as training.</summary>
    internal ILogitsOutput? KerasLogits { get; set; }

    /// <summary>Keras's <c>_keras_mask</c>: for a batch of sequences, which timesteps are real (1) and which are
    /// padding (0), [batch, timesteps], set by Embedding(mask_zero) or Masking and carried from layer to layer
    /// (<see cref="Layers.Layer.ComputeMask"/>); recurrent layers skip the masked steps and losses ignore them.</summary>
    public Tensor? KerasMask { get; set; }

    /// <summary>An optional name, e.g. "dense/kernel", used in error messages and diagnostics.</summary>
    public string? Name { get; set; }

    public Tensor(params int[] shape)
    {
        ValidateShape(shape);
        Shape = (int[])shape.Clone();
        Data = new float[ElementCount(shape)];
    }

    private Tensor(float[] data, int[] shape)
    {
        Data = data;
        Shape = shape;
    }

    /// <summary>Wraps <paramref name="data"/> (without copying) as a tensor of the given shape.</summary>
    public static Tensor FromArray(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ValidateShape(shape);
        long count = ElementCount(shape);
        if (count != data.Length)
            throw new ArgumentException(
                $"Shape {ShapeString(shape)} holds {count} elements but the array has {data.Length}.", nameof(shape));
        return new Tensor(data, (int[])shape.Clone());
    }

    public static Tensor Zeros(params int[] shape) => new(shape);

    public static Tensor Full(float value, params int[] shape)
    {
        var t = new Tensor(shape);
        Array.Fill(t.Data, value);
        return t;
    }

    public static Tensor Scalar(float value) => FromArray([value]);

    public static implicit operator Tensor(float[] data) => FromArray(data, data.Length);

    public static implicit operator Tensor(float[,] data)
    {
        int rows = data.GetLength(0), cols = data.GetLength(1);
        var flat = new float[rows * cols];
        Buffer.BlockCopy(data, 0, flat, 0, flat.Length * sizeof(float));
        return FromArray(flat, rows, cols);
    }

    /// <summary>A flat row-major copy of the values.</summary>
    public float[] ToArray() => (float[])Data.Clone();

    /// <summary>The value at a full index (one entry per axis), as <c>x[i, j]</c> on a matrix.</summary>
    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[int[] index]
    {
        get => Data[FlatIndex(index)];
        set => Data[FlatIndex(index)] = value;
    }

    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[int i0, int i1]
    {
        get => this[[i0, i1]];
        set => this[[i0, i1]] = value;
    }

    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[int i0, int i1, int i2]
    {
        get => this[[i0, i1, i2]];
        set => this[[i0, i1, i2]] = value;
    }

    [System.Runtime.CompilerServices.IndexerName("At")]
    public float this[int i0, int i1, int i2, int i3]
    {
        get => this[[i0, i1, i2, i3]];
        set => this[[i0, i1, i2, i3]] = value;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Size != 1)
            throw new InvalidOperationException($"Item() needs a one-element tensor; this one has shape {ShapeString(Shape)}.");
        return Data[0];
    }

    /// <summary>A detached copy: same values, no gradient history.</summary>
    public Tensor Clone() => new((float[])Data.Clone(), (int[])Shape.Clone()) { Name = Name };

    /// <summary>Number of rows when the tensor is viewed as [Shape[0], rest].</summary>
    internal int Rows => Rank == 0 ? 1 : Shape[0];

    /// <summary>Elements per row when the tensor is viewed as [Shape[0], rest].</summary>
    internal int RowSize => Rank == 0 ? 1 : Size / Math.Max(1, Shape[0]);

    /// <summary>The values as NumPy prints them (summarized beyond 1000 elements), then shape and dtype:
    /// <c>Tensor([[1. , 2.5], [3. , 4. ]], shape=(2, 2), dtype=float32)</c>.</summary>
    public override string ToString() => TextFormat.Format(this);

    private int FlatIndex(int[] index)
    {
        if (index.Length != Rank)
            throw new ArgumentException($"Index of rank {index.Length} used on a tensor of shape {ShapeString(Shape)}.");
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            if ((uint)index[i] >= (uint)Shape[i])
                throw new IndexOutOfRangeException(
                    $"Index {index[i]} on axis {i} is outside shape {ShapeString(Shape)}.");
            flat = flat * Shape[i] + index[i];
        }
        return flat;
    }

    internal static long ElementCount(ReadOnlySpan<int> shape) => Tensors.Shapes.ElementCount(shape);

    private static void ValidateShape(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (int d in shape)
            if (d < 0)
                throw new ArgumentException($"Shape {ShapeString(shape)} has a negative dimension.", nameof(shape));
        long count = ElementCount(shape);
        if (count > Array.MaxLength)
            throw new ArgumentException(
                $"Shape {ShapeString(shape)} has {count} elements; a tensor holds at most {Array.MaxLength} (one array).", nameof(shape));
    }

    public static string ShapeString(ReadOnlySpan<int> shape) => Tensors.Shapes.Describe(shape);

    internal static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => Tensors.Shapes.Same(a, b);
}
