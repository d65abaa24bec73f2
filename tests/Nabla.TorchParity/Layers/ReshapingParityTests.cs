using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;

namespace Nabla.TorchParity.Layers;

/// <summary>The reshaping layers against torch's own ops on channels-first copies where torch wants them: nearest
/// interpolate for UpSampling, narrow for Cropping, pad for ZeroPadding1D, permute and expand.</summary>
public class ReshapingParityTests
{
    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    public void UpSampling2D_is_torch_nearest_interpolation(int rows, int columns) =>
        Parity.CompareOp($"UpSampling2D ({rows}, {columns})", [TestData.Normal(1, 1.0, 2, 3, 4, 2)],
            x => new UpSampling2D((rows, columns)).Call(x[0], true),
            t => F.interpolate(t[0].permute(0, 3, 1, 2), scale_factor: [rows, columns], mode: torch.InterpolationMode.Nearest).permute(0, 2, 3, 1));

    [Theory]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    public void Bilinear_UpSampling2D_is_torch_bilinear_interpolation_without_aligned_corners(int rows, int columns) =>
        Parity.CompareOp($"UpSampling2D ({rows}, {columns}) bilinear", [TestData.Normal(8, 1.0, 2, 3, 5, 2)],
            x => new UpSampling2D((rows, columns), interpolation: "bilinear").Call(x[0], true),
            t => F.interpolate(t[0].permute(0, 3, 1, 2), scale_factor: [rows, columns], mode: torch.InterpolationMode.Bilinear, align_corners: false)
                .permute(0, 2, 3, 1));

    /// <summary>Resizing to any size, up or down, is torch's interpolate to that size without aligned corners: bilinear
    /// as is (both clamp the source at 0 and read half-pixel centres), nearest as "nearest-exact" (⌊(o + ½)·in/out⌋).</summary>
    [Theory]
    [InlineData(7, 3, "bilinear")]
    [InlineData(2, 9, "bilinear")]
    [InlineData(7, 3, "nearest")]
    [InlineData(2, 9, "nearest")]
    public void Resizing_is_torch_interpolate_to_the_size(int height, int width, string interpolation) =>
        Parity.CompareOp($"Resizing to {height}x{width} {interpolation}", [TestData.Normal(9, 1.0, 2, 5, 4, 3)],
            x => new Resizing(height, width, interpolation).Call(x[0], true),
            t => F.interpolate(t[0].permute(0, 3, 1, 2), size: [height, width],
                mode: interpolation == "bilinear" ? torch.InterpolationMode.Bilinear : torch.InterpolationMode.NearestExact,
                align_corners: interpolation == "bilinear" ? false : null).permute(0, 2, 3, 1));

    [Fact]
    public void UpSampling1D_is_torch_nearest_interpolation() =>
        Parity.CompareOp("UpSampling1D 3", [TestData.Normal(2, 1.0, 2, 5, 3)],
            x => new UpSampling1D(3).Call(x[0], true),
            t => F.interpolate(t[0].permute(0, 2, 1), scale_factor: [3], mode: torch.InterpolationMode.Nearest).permute(0, 2, 1));

    [Fact]
    public void Cropping_is_torch_narrow()
    {
        Parity.CompareOp("Cropping1D (1, 2)", [TestData.Normal(3, 1.0, 2, 6, 3)],
            x => new Cropping1D((1, 2)).Call(x[0], true), t => t[0].narrow(1, 1, 3));
        Parity.CompareOp("Cropping2D ((1, 0), (2, 1))", [TestData.Normal(4, 1.0, 2, 5, 6, 2)],
            x => new Cropping2D(((1, 0), (2, 1))).Call(x[0], true), t => t[0].narrow(1, 1, 4).narrow(2, 2, 3));
    }

    [Fact]
    public void ZeroPadding1D_is_torch_pad() =>
        Parity.CompareOp("ZeroPadding1D (2, 1)", [TestData.Normal(5, 1.0, 2, 4, 3)],
            x => new ZeroPadding1D((2, 1)).Call(x[0], true), t => F.pad(t[0].permute(0, 2, 1), [2, 1]).permute(0, 2, 1));

    [Fact]
    public void Permute_and_RepeatVector_are_torch_permute_and_expand()
    {
        Parity.CompareOp("Permute (3, 1, 2)", [TestData.Normal(6, 1.0, 2, 3, 4, 5)],
            x => new Permute([3, 1, 2]).Call(x[0], true), t => t[0].permute(0, 3, 1, 2));
        Parity.CompareOp("RepeatVector 4", [TestData.Normal(7, 1.0, 3, 5)],
            x => new RepeatVector(4).Call(x[0], true), t => t[0].unsqueeze(1).expand(3, 4, 5));
    }
}
