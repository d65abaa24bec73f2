namespace Nabla.Tests.Recurrent;

/// <summary>
/// Keras's ConvLSTM step written out with plain loops, for any of 1, 2 or 3 spatial axes (held as depth × height × width,
/// the missing leading axes of length 1): per step z = conv(x_t, kernel, strides, padding, dilation) + bias +
/// conv(h_{t-1}, recurrent_kernel, stride 1, "same", no dilation) (keras/src/layers/rnn/conv_lstm.py, input_conv and
/// recurrent_conv), gates i, f, c, o; c_t = σ(f)·c_{t-1} + σ(i)·tanh(z_c), h_t = σ(o)·tanh(c_t); states start at zeros of
/// the input convolution's output size. "same" pads as TensorFlow: the odd cell after.
/// </summary>
internal sealed class ConvLstmReference(int[] window, int[] strides, int[] dilation, bool same, int filters)
{
    /// <summary>Runs a batch [batch, time, d, h, w, channels] (flattened); returns every step's h in processing order and
    /// the final h and c, each [batch, od, oh, ow, filters].</summary>
    public (List<double[]> Outputs, double[] H, double[] C, int[] StateDims) Run(float[] x, int batch, int steps, int[] stepDims,
        float[] kernel, float[] recurrentKernel, float[]? bias, bool goBackwards)
    {
        int channels = stepDims[3], stepSize = stepDims.Aggregate(1, (a, b) => a * b);
        var outDims = new int[3];
        var pads = new int[3];
        for (int a = 0; a < 3; a++) (outDims[a], pads[a]) = Axis(stepDims[a], window[a], strides[a], dilation[a], same);
        int[] stateDims = [outDims[0], outDims[1], outDims[2], filters];
        int stateSize = outDims[0] * outDims[1] * outDims[2] * filters;
        var recurrentPads = new int[3];
        for (int a = 0; a < 3; a++) recurrentPads[a] = Axis(outDims[a], window[a], 1, 1, true).Pad;
        var h = new double[batch * stateSize];
        var c = new double[batch * stateSize];
        var outputs = new List<double[]>();
        for (int k = 0; k < steps; k++)
        {
            int t = goBackwards ? steps - 1 - k : k;
            var newH = new double[h.Length];
            for (int b = 0; b < batch; b++)
            {
                var xt = x.AsSpan((b * steps + t) * stepSize, stepSize).ToArray().Select(v => (double)v).ToArray();
                var zx = Conv(xt, stepDims, channels, kernel, strides, dilation, pads, outDims);
                var zh = Conv(h.AsSpan(b * stateSize, stateSize).ToArray(), stateDims, filters, recurrentKernel, [1, 1, 1], [1, 1, 1],
                    recurrentPads, outDims);
                for (int p = 0; p < stateSize / filters; p++)
                    for (int f = 0; f < filters; f++)
                    {
                        double Z(int gate) => zx[p * 4 * filters + gate * filters + f] + zh[p * 4 * filters + gate * filters + f]
                            + (bias is null ? 0 : bias[gate * filters + f]);
                        int s = b * stateSize + p * filters + f;
                        c[s] = Sigmoid(Z(1)) * c[s] + Sigmoid(Z(0)) * Math.Tanh(Z(2));
                        newH[s] = Sigmoid(Z(3)) * Math.Tanh(c[s]);
                    }
            }
            h = newH;
            outputs.Add(h);
        }
        return (outputs, h, c, stateDims);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    /// <summary>An axis's output length and the padding before it.</summary>
    private static (int Out, int Pad) Axis(int input, int kernel, int stride, int dilation, bool same)
    {
        int span = (kernel - 1) * dilation + 1;
        if (!same) return ((input - span) / stride + 1, 0);
        int output = (input + stride - 1) / stride;
        return (output, Math.Max((output - 1) * stride + span - input, 0) / 2);
    }

    /// <summary>One sample's convolution [d, h, w, in] → [od, oh, ow, 4·filters] with a kernel [kd, kh, kw, in, 4·filters].</summary>
    private double[] Conv(double[] x, int[] dims, int inChannels, float[] k, int[] stride, int[] dil, int[] pads, int[] outDims)
    {
        int width = 4 * filters;
        var y = new double[outDims[0] * outDims[1] * outDims[2] * width];
        for (int od = 0; od < outDims[0]; od++)
            for (int oh = 0; oh < outDims[1]; oh++)
                for (int ow = 0; ow < outDims[2]; ow++)
                    for (int kd = 0; kd < window[0]; kd++)
                        for (int kh = 0; kh < window[1]; kh++)
                            for (int kw = 0; kw < window[2]; kw++)
                            {
                                int id = od * stride[0] + kd * dil[0] - pads[0], ih = oh * stride[1] + kh * dil[1] - pads[1],
                                    iw = ow * stride[2] + kw * dil[2] - pads[2];
                                if (id < 0 || ih < 0 || iw < 0 || id >= dims[0] || ih >= dims[1] || iw >= dims[2]) continue;
                                for (int ci = 0; ci < inChannels; ci++)
                                {
                                    double v = x[((id * dims[1] + ih) * dims[2] + iw) * inChannels + ci];
                                    int kBase = (((kd * window[1] + kh) * window[2] + kw) * inChannels + ci) * width;
                                    int yBase = ((od * outDims[1] + oh) * outDims[2] + ow) * width;
                                    for (int o = 0; o < width; o++) y[yBase + o] += v * k[kBase + o];
                                }
                            }
        return y;
    }
}
