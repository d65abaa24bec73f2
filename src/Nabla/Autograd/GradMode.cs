namespace Nabla.Autograd;

/// <summary>Turns graph recording off for a scope, as <c>torch.no_grad()</c> does. Inference uses it.</summary>
public static class GradMode
{
    [ThreadStatic] private static int disabledDepth;

    public static bool IsEnabled => disabledDepth == 0;

    /// <summary><c>using (GradMode.NoGrad()) { ... }</c> records nothing inside the block.</summary>
    public static Scope NoGrad()
    {
        disabledDepth++;
        return new Scope();
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose() => disabledDepth--;
    }
}
