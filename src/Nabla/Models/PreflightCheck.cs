namespace Nabla;

/// <summary>
/// The check <c>Model.Fit</c> runs before training, supplied from above the models: the training doctor
/// registers its pre-flight check here when the library loads, so models need not know the doctor.
/// </summary>
public static class PreflightCheck
{
    /// <summary>Given a compiled model and its training data, the warnings to print before training; null for none.</summary>
    public static Func<Model, Tensor, Tensor, IEnumerable<string>>? Warnings { get; set; }
}
