namespace Nabla.Layers;

/// <summary>
/// ZeroPadding2D's padding, as Keras takes it: one int for all four sides, (rows, columns) for symmetric
/// padding per axis, or ((top, bottom), (left, right)).
/// </summary>
public readonly record struct Padding2D(int Top, int Bottom, int Left, int Right)
{
    public static implicit operator Padding2D(int padding) => new(padding, padding, padding, padding);

    public static implicit operator Padding2D((int Height, int Width) padding) =>
        new(padding.Height, padding.Height, padding.Width, padding.Width);

    public static implicit operator Padding2D(((int Top, int Bottom) Height, (int Left, int Right) Width) padding) =>
        new(padding.Height.Top, padding.Height.Bottom, padding.Width.Left, padding.Width.Right);

    public override string ToString() => $"(({Top}, {Bottom}), ({Left}, {Right}))";
}
