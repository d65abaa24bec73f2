using Nabla.Autograd;
using Nabla.Autograd.Ops;

namespace Nabla.Layers;

/// <summary>A window of an image [top, top + Height) × [left, left + Width).</summary>
internal readonly record struct ImageWindow(int Top, int Left, int Height, int Width)
{
    /// <summary>The central height × width window, at ((h − height) // 2, (w − width) // 2): Keras's CenterCrop
    /// (keras/src/layers/preprocessing/image_preprocessing/center_crop.py) for an image at least that large.</summary>
    public static ImageWindow Central(int imageHeight, int imageWidth, int height, int width) =>
        new((imageHeight - height) / 2, (imageWidth - width) / 2, height, width);

    /// <summary>The largest central window of the target's aspect ratio, as Keras's smart_resize cuts it
    /// (keras/src/utils/image_utils.py; tf.keras 2's smart_resize alike): side lengths truncated, each at least 1 and at
    /// most the image's, the corner at half the leftover, truncated.</summary>
    public static ImageWindow AspectRatio(int imageHeight, int imageWidth, int height, int width)
    {
        int cropHeight = Math.Clamp((int)((double)imageWidth * height / width), 1, imageHeight);
        int cropWidth = Math.Clamp((int)((double)imageHeight * width / height), 1, imageWidth);
        return new((imageHeight - cropHeight) / 2, (imageWidth - cropWidth) / 2, cropHeight, cropWidth);
    }

    /// <summary>This window of each image [batch, h, w, channels], resized to height × width when it is not that size:
    /// half-pixel centres, no antialiasing, bilinearly as Keras's smart_resize does after its <see cref="AspectRatio"/>
    /// cut (or nearest, for Resizing's crop_to_aspect_ratio with that interpolation).</summary>
    public Tensor Cut(Tensor images, int height, int width, bool bilinear = true)
    {
        var window = Tensor.Slice(images, [0, Top, Left, 0], [images.Shape[0], Height, Width, images.Shape[3]]);
        return Height == height && Width == width ? window : Op.Record(new ResizeOp(window, height, width, bilinear));
    }
}
