namespace Nabla.Activations;

/// <summary>The normal distribution functions gelu needs (.NET has no erf).</summary>
internal static class SpecialFunctions
{
    /// <summary>
    /// erfc(z) by the Chebyshev-fitted exponential of Numerical Recipes (§6.2), fractional error below
    /// 1.2e-7 everywhere: relative accuracy in the far tail too, which 1 + erf(x) would lose.
    /// </summary>
    public static double Erfc(double z)
    {
        double a = Math.Abs(z);
        double t = 1 / (1 + 0.5 * a);
        double r = t * Math.Exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? r : 2 - r;
    }

    /// <summary>Φ(x) = ½·erfc(−x/√2).</summary>
    public static double NormalCdf(double x) => 0.5 * Erfc(-x / Math.Sqrt(2));

    /// <summary>φ(x) = e^(−x²/2)/√(2π).</summary>
    public static double NormalPdf(double x) => Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
}
