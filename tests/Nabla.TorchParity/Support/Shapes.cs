namespace Nabla.TorchParity.Support;

internal static class Shapes
{
    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);
}
