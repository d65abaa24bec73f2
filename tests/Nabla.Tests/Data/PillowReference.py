#!/usr/bin/env python3
"""Expected values of PillowResampleTests.cs: Pillow's resize of small deterministic images, as Keras's load_img calls it.

Run from the repository root (Python 3 and Pillow, no numpy; on Debian 12 `apt-get install python3-pil`):

    python3 tests/Nabla.Tests/Data/PillowReference.py > /tmp/cases.txt

and paste the printed rows into PillowResampleTests.Cases and LargeCases (PillowResampleTests.Cases.cs). The values
there came from Pillow 9.4.0 (Debian 12's python3-pil). Each row is one case: the image, target height and width,
keep_aspect_ratio, filter, and the resized pixels (height x width x channels bytes, row by row) in hex, or for the
large image their SHA-256.
"""
import hashlib

import PIL
from PIL import Image


def level(i, seed):
    """A pixel level from its flat index: the top byte of a multiplicative hash (Knuth's 2654435761), which the C#
    test recreates without files."""
    return (((i + seed) * 2654435761) & 0xFFFFFFFF) >> 24


def image(name):
    """The test images: "rgb" 13 wide x 9 high, "grey" 7 x 11, "rgba" 10 x 8 whose alpha is 255 in every fourth
    column, 0 in every third row of the others, and hashed elsewhere (so premultiplication meets 0, 255 and between),
    and "large", RGB 64 x 48, whose results are long enough to meet the rare sums that only an exact copy of Pillow's
    rounding gets right (compared by SHA-256)."""
    mode, width, height, seed = {"rgb": ("RGB", 13, 9, 1), "grey": ("L", 7, 11, 2), "rgba": ("RGBA", 10, 8, 3),
                                 "large": ("RGB", 64, 48, 4)}[name]
    channels = len(mode)
    data = bytearray(level(i, seed) for i in range(width * height * channels))
    if mode == "RGBA":
        for y in range(height):
            for x in range(width):
                alpha = (y * width + x) * 4 + 3
                if x % 4 == 0:
                    data[alpha] = 255
                elif y % 3 == 0:
                    data[alpha] = 0
    return Image.frombytes(mode, (width, height), bytes(data))


FILTERS = {
    "nearest": Image.NEAREST,
    "bilinear": Image.BILINEAR,
    "bicubic": Image.BICUBIC,
    "lanczos": Image.LANCZOS,
    "box": Image.BOX,
    "hamming": Image.HAMMING,
}


def load_img_resize(img, height, width, resample, keep_aspect_ratio):
    """What keras.utils.load_img does with target_size=(height, width) after the color-mode conversion."""
    if img.size == (width, height):
        return img
    if not keep_aspect_ratio:
        return img.resize((width, height), resample)
    w, h = img.size
    crop_height = min(h, (w * height) // width)
    crop_width = min(w, (h * width) // height)
    top = (h - crop_height) // 2
    left = (w - crop_width) // 2
    return img.resize((width, height), resample, box=[left, top, left + crop_width, top + crop_height])


# (image, target height, target width, keep_aspect_ratio): downscales by non-integer factors, upscales, one axis
# unchanged (Pillow skips that pass), boxes cut as keep_aspect_ratio cuts them, and a box whose size is the target's
# (Pillow crops without resampling, but still premultiplies RGBA).
CASES = [
    ("rgb", 5, 6, False),     # 9/5 down, 13/6 down
    ("rgb", 9, 7, False),     # height unchanged: the horizontal pass only
    ("rgb", 4, 13, False),    # width unchanged: the vertical pass only
    ("rgb", 10, 15, False),   # up on both axes
    ("rgb", 4, 4, True),      # box (2, 0, 11, 9), 9 x 9 down to 4 x 4
    ("rgb", 6, 10, True),     # box (0, 1, 13, 8): 13 x 7 to 10 x 6, a box on the vertical axis only
    ("grey", 4, 3, False),
    ("grey", 17, 10, False),
    ("grey", 11, 4, False),
    ("grey", 3, 5, True),     # box (0, 3, 7, 7)
    ("rgba", 3, 4, False),
    ("rgba", 11, 13, False),
    ("rgba", 8, 6, False),
    ("rgba", 5, 5, True),     # box (1, 0, 9, 8)
    ("rgba", 8, 8, True),     # box (1, 0, 9, 8) is the target's size: a crop
]

# The same on "large", printed as SHA-256 of the resized bytes.
LARGE_CASES = [
    ("large", 113, 150, False),
    ("large", 31, 41, False),
    ("large", 48, 100, False),
    ("large", 20, 20, True),  # box (8, 0, 56, 48)
]


# A grey row 9 wide, found by a search, where hamming's sum for the middle of 3 output pixels lands within a rounding
# unit of a level: Pillow's window constants are C floats (0.54f, 0.46f), and the same window written with the doubles
# 0.54 and 0.46 gives 164 there instead of Pillow's 163.
HAMMING_ROW = [0, 0, 138, 109, 226, 112, 228, 225, 0]

FILTER_NAMES = ("bilinear", "bicubic", "lanczos", "box", "hamming")


def main():
    print(f"        // Pillow {PIL.__version__}: PillowResampleTests.Cases")
    for name, height, width, keep in CASES:
        for interpolation in FILTER_NAMES:
            out = load_img_resize(image(name), height, width, FILTERS[interpolation], keep)
            assert out.size == (width, height)
            hex_text = out.tobytes().hex()
            chunks = [hex_text[i:i + 104] for i in range(0, len(hex_text), 104)]
            keep_text = "true" if keep else "false"
            print(f'        {{ "{name}", {height}, {width}, {keep_text}, "{interpolation}",')
            print(" +\n".join(f'            "{chunk}"' for chunk in chunks) + " },")
    print(f"        // Pillow {PIL.__version__}: PillowResampleTests.LargeCases")
    for name, height, width, keep in LARGE_CASES:
        for interpolation in FILTER_NAMES:
            out = load_img_resize(image(name), height, width, FILTERS[interpolation], keep)
            assert out.size == (width, height)
            keep_text = "true" if keep else "false"
            digest = hashlib.sha256(out.tobytes()).hexdigest()
            print(f'        {{ "{name}", {height}, {width}, {keep_text}, "{interpolation}", "{digest}" }},')
    row = Image.frombytes("L", (len(HAMMING_ROW), 1), bytes(HAMMING_ROW))
    print(f"        // Pillow {PIL.__version__}: HAMMING_ROW to 3 x 1 with hamming: {row.resize((3, 1), Image.HAMMING).tobytes().hex()}")


if __name__ == "__main__":
    main()
