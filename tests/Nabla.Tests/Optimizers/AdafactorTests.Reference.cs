using Nabla.Optimizers;

namespace Nabla.Tests.Optimizers;

public partial class AdafactorTests
{
    /// <summary>The arguments of one run, Keras's defaults unless set.</summary>
    internal sealed record Settings(double LearningRate = 0.001, double Beta2Decay = -0.8, double Epsilon1 = 1e-30,
        double Epsilon2 = 1e-3, double ClipThreshold = 1.0, bool RelativeStep = true, double WeightDecay = 0,
        double? ClipValue = null)
    {
        public Adafactor Create() => new(LearningRate, Beta2Decay, Epsilon1, Epsilon2, ClipThreshold, RelativeStep,
            WeightDecay == 0 ? null : WeightDecay, clipValue: ClipValue);
    }

    /// <summary>
    /// Keras's <c>Adafactor.update_step</c> for one weight, in double and one scalar at a time, each line after the
    /// Keras line it follows. r and c have Keras's shapes, shape[:-1] and shape[:-2] + shape[-1:].
    /// </summary>
    internal sealed class Reference
    {
        private readonly bool factored;
        private readonly int batches, rows, columns;
        public readonly double[] W, R, C, V;

        public Reference(int[] shape, float[] weights)
        {
            W = weights.Select(w => (double)w).ToArray();
            factored = shape.Length >= 2;
            if (factored)
            {
                (rows, columns) = (shape[^2], shape[^1]);
                batches = W.Length / (rows * columns);
            }
            R = new double[factored ? batches * rows : 0];
            C = new double[factored ? batches * columns : 0];
            V = new double[W.Length];
        }

        private static double Rms(double[] x) => Math.Sqrt(x.Sum(v => v * v) / x.Length);

        /// <summary>Step t (iterations + 1) with <paramref name="gradient"/>.</summary>
        public void Step(int t, float[] gradient, Settings s)
        {
            int n = W.Length;
            // base_optimizer: clipvalue clips the gradient, then _apply_weight_decay: variable −= variable·weight_decay·lr
            double[] g = gradient.Select(x => s.ClipValue is { } cv ? Math.Clamp(x, -cv, cv) : (double)x).ToArray();
            for (int k = 0; k < n; k++) W[k] -= W[k] * s.WeightDecay * s.LearningRate;
            // if relative_step: lr = minimum(lr, 1/sqrt(local_step));  rho_t = minimum(lr, 1/sqrt(local_step))
            double rho = Math.Min(s.LearningRate, 1 / Math.Sqrt(t));
            // alpha_t = maximum(epsilon_2, _rms(variable))·rho_t
            double alpha = Math.Max(s.Epsilon2, Rms(W)) * rho;
            // regulated_grad_square = square(gradient) + epsilon_1
            double[] square = g.Select(x => x * x + s.Epsilon1).ToArray();
            // beta_2_t = 1 − power(local_step, beta_2_decay)
            double beta = 1 - Math.Pow(t, s.Beta2Decay);
            if (factored)
            {
                for (int b = 0; b < batches; b++)
                {
                    // r = beta_2_t·r + (1 − beta_2_t)·mean(regulated_grad_square, axis=-1)
                    for (int i = 0; i < rows; i++)
                    {
                        double mean = 0;
                        for (int j = 0; j < columns; j++) mean += square[(b * rows + i) * columns + j] / columns;
                        R[b * rows + i] = beta * R[b * rows + i] + (1 - beta) * mean;
                    }
                    // c = beta_2_t·c + (1 − beta_2_t)·mean(regulated_grad_square, axis=-2)
                    for (int j = 0; j < columns; j++)
                    {
                        double mean = 0;
                        for (int i = 0; i < rows; i++) mean += square[(b * rows + i) * columns + j] / rows;
                        C[b * columns + j] = beta * C[b * columns + j] + (1 - beta) * mean;
                    }
                    // v = expand_dims(r / mean(r, axis=-1, keepdims=True), -1)·expand_dims(c, -2)
                    double meanR = 0;
                    for (int i = 0; i < rows; i++) meanR += R[b * rows + i] / rows;
                    for (int i = 0; i < rows; i++)
                        for (int j = 0; j < columns; j++)
                            V[(b * rows + i) * columns + j] = R[b * rows + i] / meanR * C[b * columns + j];
                }
            }
            else
            {
                // v = beta_2_t·v + (1 − beta_2_t)·regulated_grad_square
                for (int k = 0; k < n; k++) V[k] = beta * V[k] + (1 - beta) * square[k];
            }
            // u_t = gradient / sqrt(v)
            double[] u = new double[n];
            for (int k = 0; k < n; k++) u[k] = g[k] / Math.Sqrt(V[k]);
            // u_t_hat = u_t / maximum(1, _rms(u_t)/clip_threshold)
            double divisor = Math.Max(1, Rms(u) / s.ClipThreshold);
            // variable −= alpha_t·u_t_hat
            for (int k = 0; k < n; k++) W[k] -= alpha * u[k] / divisor;
        }
    }
}
