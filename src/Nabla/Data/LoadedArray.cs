namespace Nabla.Data;

/// <summary>A decoded array together with the element type it had in its file (for `nabla data info`).</summary>
internal sealed record LoadedArray(Tensor Values, string DType);
