using System.Globalization;
using Nabla.Kernels;

namespace Nabla.Cli.Bench;

/// <summary>
/// <c>nabla bench --network lstm|gru --profile</c>, second part: the matrix products one training step of the recurrent
/// workload runs (128 units over 50 steps of 32 features), timed alone with the op's shapes and the same kernel
/// settings, so the step profile's time for the recurrent op splits into its products and the rest (gate math,
/// layout copies). The per-step products are timed as the whole sequence of them, as the op runs them.
/// </summary>
internal static class RecurrentGemmProfile
{
    public static void Run(int batch, int gatesPerUnit, int steps = 50, int features = 32, int units = 128, int repeats = 30)
    {
        int width = gatesPerUnit * units, rows = steps * batch;
        var rng = new Random(3);
        float[] Filled(int n) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)rng.NextDouble() - 0.5f; return a; }
        float[] inputs = Filled(rows * features), kernel = Filled(features * width), recurrent = Filled(units * width),
            recurrentTransposed = Filled(width * units), projected = new float[rows * width], states = Filled((steps + 1) * batch * units),
            gradProjected = Filled(rows * width), gradState = new float[batch * units], gradKernel = new float[features * width],
            gradRecurrent = new float[units * width], gradInputs = new float[rows * features];
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine($"Products of one {(gatesPerUnit == 4 ? "LSTM" : "GRU")} step at batch {batch} (µs, median of {repeats}, {KernelSettings.MaxThreads} kernel threads allowed):");
        void Row(string name, string shape, long macs, Action action)
        {
            for (int i = 0; i < 3; i++) action();
            double us = StepProfiler.Time(action, repeats);
            Console.WriteLine(string.Create(inv, $"  {name,-40} {shape,-22} {us,9:0.0} µs  {2.0 * macs / us / 1e3,6:0.0} GFLOP/s"));
        }
        Row("input projection x·W (all steps)", $"{rows}×{width}×{features}", (long)rows * width * features,
            () => Gemm.Multiply(false, false, rows, width, features, inputs, kernel, projected));
        Row($"recurrent h·U, {steps} steps", $"{steps}× {batch}×{width}×{units}", (long)steps * batch * width * units, () =>
        {
            for (int t = 0; t < steps; t++)
                Gemm.Multiply(false, false, batch, width, units, states.AsSpan(t * batch * units), recurrent,
                    projected.AsSpan(t * batch * width), accumulate: true);
        });
        Row($"dh = dz·Uᵀ, {steps} steps (U transposed per call)", $"{steps}× {batch}×{units}×{width}", (long)steps * batch * width * units, () =>
        {
            for (int t = 0; t < steps; t++)
                Gemm.Multiply(false, true, batch, units, width, gradProjected.AsSpan(t * batch * width), recurrent, gradState);
        });
        Row($"dh = dz·Uᵀ, {steps} steps (Uᵀ stored)", $"{steps}× {batch}×{units}×{width}", (long)steps * batch * width * units, () =>
        {
            for (int t = 0; t < steps; t++)
                Gemm.Multiply(false, false, batch, units, width, gradProjected.AsSpan(t * batch * width), recurrentTransposed, gradState);
        });
        Row("dU = Hᵀ·dZ (all steps)", $"{units}×{width}×{rows}", (long)units * width * rows,
            () => Gemm.Multiply(true, false, units, width, rows, states, gradProjected, gradRecurrent, accumulate: true));
        Row("dW = Xᵀ·dZ (all steps)", $"{features}×{width}×{rows}", (long)features * width * rows,
            () => Gemm.Multiply(true, false, features, width, rows, inputs, gradProjected, gradKernel, accumulate: true));
        Row("dX = dZ·Wᵀ (all steps)", $"{rows}×{features}×{width}", (long)rows * features * width,
            () => Gemm.Multiply(false, true, rows, features, width, gradProjected, kernel, gradInputs));
    }

}
