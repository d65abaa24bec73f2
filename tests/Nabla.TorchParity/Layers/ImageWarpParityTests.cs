using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>
/// The random rotation, zoom and translation layers against torch's grid_sample on the same maps: Nabla's layer draws a
/// map per image from its seed, the test draws the same maps from the same seed (<see cref="RandomImageLayer.Draw"/>), turns
/// each output pixel's source point into grid_sample's normalized grid (align_corners, so −1 and 1 are the edge pixels'
/// centres) and compares the output and the input's gradient. grid_sample's "zeros" padding is fill_mode "constant"
/// with fill value 0 and its "border" padding is "nearest"; its "reflection" reflects about the edge pixels' centres, not
/// TensorFlow's (d c b a | a b c d), so that mode is checked against Keras's map in the unit tests instead.
/// </summary>
public class ImageWarpParityTests
{
    private const int Batch = 3, Height = 5, Width = 6, Channels = 2;

    public static TheoryData<string, string> Cases() => new()
    {
        { "rotation", "constant" }, { "rotation", "nearest" }, { "zoom", "constant" }, { "zoom", "nearest" },
        { "translation", "constant" }, { "translation", "nearest" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Random_warps_match_torch_grid_sample(string kind, string fillMode)
    {
        TorchRuntime.EnsureLoaded();
        const int seed = 11;
        RandomImageLayer Make() => kind switch
        {
            "rotation" => new RandomRotation(0.3, fillMode, seed: seed),
            "zoom" => new RandomZoom((-0.4, 0.6), (-0.3, 0.3), fillMode, seed: seed),
            _ => new RandomTranslation(0.3, 0.4, fillMode, seed: seed),
        };
        var x = TestData.Normal(3, 1.0, Batch, Height, Width, Channels).RequireGrad();
        var y = Make().Call(x, training: true);
        var outputGrad = TestData.Uniform(4, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        // The same maps, drawn in the same order from the same seed.
        var sampler = Make();
        var rng = new RandomGenerator(seed);
        var grid = new float[Batch * Height * Width * 2];
        Span<float> t = stackalloc float[6];
        for (int b = 0; b < Batch; b++)
        {
            sampler.Draw(rng, Height, Width, t);
            for (int oy = 0; oy < Height; oy++)
                for (int ox = 0; ox < Width; ox++)
                {
                    int at = ((b * Height + oy) * Width + ox) * 2;
                    grid[at] = 2f * (t[0] * ox + t[1] * oy + t[2]) / (Width - 1) - 1;
                    grid[at + 1] = 2f * (t[3] * ox + t[4] * oy + t[5]) / (Height - 1) - 1;
                }
        }
        using var scope = torch.NewDisposeScope();
        var tx = Parity.ToTorch(x).permute(0, 3, 1, 2).contiguous().to_type(torch.float64).requires_grad_(true);
        var tgrid = torch.tensor(grid, [Batch, Height, Width, 2]).to_type(torch.float64);
        var padding = fillMode == "constant" ? torch.GridSamplePaddingMode.Zeros : torch.GridSamplePaddingMode.Border;
        var sampled = F.grid_sample(tx, tgrid, torch.GridSampleMode.Bilinear, padding, align_corners: true);
        var ty = sampled.permute(0, 2, 3, 1);
        ty.backward([Parity.ToTorch(outputGrad).to_type(torch.float64)]);
        Parity.Compare($"{kind} ({fillMode}) output", y, ty.to_type(torch.float32), rtol: 1e-4, atol: 1e-5);
        Parity.Compare($"{kind} ({fillMode}) dL/dx", x.Grad!, tx.grad!.permute(0, 2, 3, 1).to_type(torch.float32), rtol: 1e-4, atol: 1e-5);
    }
}
