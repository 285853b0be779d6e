#!/usr/bin/python3
"""Regenerates the JPEG parity corpus and what Pillow makes of each file.

    /usr/bin/python3 tests/jpeg-corpus/generate.py      (Debian: apt-get install python3-pil python3-numpy gcc libjpeg-dev)

Writes tests/jpeg-corpus/*.jpg and tests/jpeg-corpus/pillow.tsv. Every source picture is computed here (no randomness
beyond a fixed LCG), encoded by encode.c against the system libjpeg, and then decoded by Pillow exactly as the
reference pipeline does: Image.open(f).convert("RGB"). pillow.tsv records, per file, the SHA-256 of those RGB bytes
(height x width x 3, row-major) or the error Pillow raised, and for a few files the SHA-256 of the float32 pixel_values
that HF's CLIPImageProcessor computes for Florence-2 (768x768 bicubic, rescale, normalize, CHW, little-endian).
Same inputs and same Pillow give byte-identical outputs; the script prints Pillow's and libjpeg's versions.
"""
import hashlib
import io
import os
import re
import struct
import subprocess
import sys
import tempfile

import numpy as np
import PIL
from PIL import Image, features

HERE = os.path.dirname(os.path.abspath(__file__))
TENSOR_SIZE = 768
RESCALE = 0.00392156862745098
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def lcg_bytes(count, seed):
    """Same LCG as tests/Shared/TestImages.LcgBytes."""
    out = bytearray(count)
    state = seed
    for i in range(count):
        state = (state * 1103515245 + 12345) & 0x7FFFFFFF
        out[i] = (state >> 16) & 0xFF
    return bytes(out)


PALETTE = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (255, 0, 255), (0, 255, 255), (255, 255, 255), (0, 0, 0)]


def picture(kind, width, height, seed=1):
    """RGB bytes. 'edges': saturated blocks with one-pixel colour edges (where chroma upsampling differs most);
    'noise': LCG noise; 'photo': smooth gradients with some edges and noise, like a photo."""
    if kind == "noise":
        return lcg_bytes(width * height * 3, seed)
    noise = lcg_bytes(width * height, seed)
    out = bytearray(width * height * 3)
    for y in range(height):
        for x in range(width):
            i = y * width + x
            if kind == "edges":
                r, g, b = PALETTE[((x // 3) + (y // 2) * 3 + (x * y) // 7) % len(PALETTE)]
            else:
                r = (x * 255) // max(width - 1, 1)
                g = (y * 255) // max(height - 1, 1)
                b = ((x + y) * 255) // max(width + height - 2, 1)
                if (x // 8 + y // 8) % 5 == 0:
                    r, g, b = 255 - g, b, 255 - r
                jitter = (noise[i] % 17) - 8
                r, g, b = (min(255, max(0, v + jitter)) for v in (r, g, b))
            out[3 * i:3 * i + 3] = bytes((r, g, b))
    return bytes(out)


def gray(rgb):
    return bytes(rgb[i] for i in range(0, len(rgb), 3))


def encode(encoder, rgb, width, height, space, quality, sampling, *options):
    gray_input = space == "gray"
    header = b"P5" if gray_input else b"P6"
    body = gray(rgb) if gray_input else rgb
    pnm = header + b"\n%d %d\n255\n" % (width, height) + body
    return subprocess.run([encoder, space, str(quality), sampling, *options], input=pnm, stdout=subprocess.PIPE, check=True).stdout


def with_segment(jpeg, marker, payload):
    """Inserts an APPn segment right after SOI."""
    return jpeg[:2] + bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def exif_orientation(value):
    # Big-endian TIFF, one IFD entry: Orientation (0x0112), SHORT, count 1.
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, value, 0) + struct.pack(">I", 0)
    return b"Exif\x00\x00" + tiff


def s15(value):
    return struct.pack(">i", round(value * 65536))


def wide_gamut_icc():
    """A minimal valid ICC v2 RGB matrix/TRC profile, Rec.2020-like primaries with gamma 1.0: if a decoder applied
    embedded profiles (Pillow does not), this one would change every pixel."""
    def xyz(x, y, z):
        return b"XYZ " + b"\0" * 4 + s15(x) + s15(y) + s15(z)
    desc_text = b"wide gamut, linear\0"
    tags = [
        (b"desc", b"desc" + b"\0" * 4 + struct.pack(">I", len(desc_text)) + desc_text + b"\0" * 8 + b"\0" * 3 + b"\0" * 67),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.6734, 0.2790, -0.0019)),
        (b"gXYZ", xyz(0.1656, 0.6753, 0.0300)),
        (b"bXYZ", xyz(0.1251, 0.0456, 0.7973)),
        (b"rTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0100) + b"\0\0"),
        (b"gTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0100) + b"\0\0"),
        (b"bTRC", b"curv" + b"\0" * 4 + struct.pack(">IH", 1, 0x0100) + b"\0\0"),
        (b"cprt", b"text" + b"\0" * 4 + b"public domain\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += b"\0" * (-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (struct.pack(">I", size) + b"\0" * 4 + bytes((2, 0x10, 0, 0)) + b"mntrRGB XYZ " + b"\0" * 12 + b"acsp"
              + b"\0" * 24 + struct.pack(">I", 0) + s15(0.9642) + s15(1.0) + s15(0.8249) + b"\0" * 4 + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def patch_sof(jpeg, marker=None, precision=None):
    """Rewrites the first SOFn marker / its sample precision: files no encoder here can produce, for refusals."""
    i = 2
    while i < len(jpeg):
        code = jpeg[i + 1]
        length = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
            out = bytearray(jpeg)
            if marker is not None:
                out[i + 1] = marker
            if precision is not None:
                out[i + 4] = precision
            return bytes(out)
        i += 2 + length
    raise ValueError("no SOF")


def flip_entropy_bytes(jpeg):
    """Overwrites a few bytes in the middle of the entropy-coded data (not markers): libjpeg warns and goes on."""
    sos = jpeg.index(b"\xff\xda")
    start = sos + 2 + struct.unpack(">H", jpeg[sos + 2:sos + 4])[0]
    middle = start + (len(jpeg) - 2 - start) // 2
    out = bytearray(jpeg)
    for k in range(6):
        if out[middle + k] != 0xFF and out[middle + k - 1] != 0xFF:
            out[middle + k] ^= 0x5A
            if out[middle + k] == 0xFF:
                out[middle + k] = 0x7F
    return bytes(out)


def drop_last_scans(jpeg, count):
    """Removes the last scans of a progressive file and keeps EOI: the decoder must smooth the missing coefficients."""
    starts = [i for i in range(len(jpeg) - 1) if jpeg[i] == 0xFF and jpeg[i + 1] == 0xDA]
    return jpeg[: starts[-count]] + b"\xff\xd9"


def corpus(encoder):
    """(file name, JPEG bytes, whether the tensor hash is recorded)."""
    e = lambda kind, w, h, space, q, sampling, *opts, seed=1: encode(encoder, picture(kind, w, h, seed), w, h, space, q, sampling, *opts)
    items = []
    add = lambda name, data, tensor=False: items.append((name, data, tensor))
    for process in ("baseline", "progressive"):
        opts = ("progressive",) if process == "progressive" else ()
        for label, sampling in (("444", "1x1"), ("422", "2x1"), ("420", "2x2"), ("440", "1x2"), ("411", "4x1")):
            add(f"{process}-{label}-edges-q90.jpg", e("edges", 61, 37, "ycc", 90, sampling, *opts), tensor=label in ("420", "440") and process == "baseline")
        add(f"{process}-gray-q85.jpg", e("photo", 45, 29, "gray", 85, "1x1", *opts))
    for q in (5, 25, 50, 75, 95, 100):
        add(f"quality-{q:03d}-420-photo.jpg", e("photo", 64, 48, "ycc", q, "2x2", seed=q))
    add("restart-1-420-edges.jpg", e("edges", 50, 34, "ycc", 90, "2x2", "restart=1"))
    add("restart-3-444-progressive.jpg", e("photo", 50, 34, "ycc", 80, "1x1", "restart=3", "progressive"))
    add("restart-2-440-photo.jpg", e("photo", 51, 35, "ycc", 70, "1x2", "restart=2"), tensor=True)
    add("size-1x1-420.jpg", e("noise", 1, 1, "ycc", 90, "2x2"))
    add("size-3x5-420.jpg", e("noise", 3, 5, "ycc", 90, "2x2"))
    add("size-3x5-440.jpg", e("edges", 3, 5, "ycc", 90, "1x2"))
    add("size-5x3-422-progressive.jpg", e("edges", 5, 3, "ycc", 90, "2x1", "progressive"))
    add("size-4097x3-420.jpg", e("photo", 4097, 3, "ycc", 75, "2x2"), tensor=True)
    add("size-3x1031-440.jpg", e("photo", 3, 1031, "ycc", 75, "1x2"))
    add("photo-420-q85-256x192.jpg", e("photo", 256, 192, "ycc", 85, "2x2", "optimize"), tensor=True)
    add("noise-420-q95.jpg", e("noise", 40, 24, "ycc", 95, "2x2"))
    add("mixed-sampling-2x2-1x2-2x1.jpg", e("edges", 33, 21, "ycc", 90, "2x2,1x2,2x1"))
    add("rgb-no-transform-444.jpg", e("edges", 30, 20, "rgb", 90, "1x1"))
    add("cmyk-baseline.jpg", e("photo", 40, 30, "cmyk", 90, "1x1"), tensor=True)
    add("cmyk-progressive-420.jpg", e("edges", 40, 30, "cmyk", 90, "2x2,1x1,1x1,2x2", "progressive"))
    add("ycck-baseline.jpg", e("photo", 41, 31, "ycck", 90, "1x1"))
    add("ycck-420.jpg", e("edges", 42, 32, "ycck", 85, "2x2,1x1,1x1,2x2"))
    add("arithmetic-420.jpg", e("edges", 44, 28, "ycc", 90, "2x2", "arithmetic"))
    add("arithmetic-progressive-444.jpg", e("photo", 44, 28, "ycc", 90, "1x1", "arithmetic", "progressive"))
    base = e("edges", 48, 32, "ycc", 90, "2x2")
    add("exif-orientation-6.jpg", with_segment(base, 0xE1, exif_orientation(6)), tensor=True)
    add("icc-wide-gamut-420.jpg", with_segment(e("photo", 40, 30, "ycc", 90, "2x2"), 0xE2, b"ICC_PROFILE\0\x01\x01" + wide_gamut_icc()))
    add("exif-orientation-8-progressive.jpg", with_segment(e("photo", 32, 48, "ycc", 90, "2x2", "progressive"), 0xE1, exif_orientation(8)))
    add("corrupt-entropy-420.jpg", flip_entropy_bytes(e("photo", 64, 64, "ycc", 90, "2x2")))
    # Complete structure (ends in EOI) but missing data: libjpeg warns and fills in; Pillow accepts, so must we. Files
    # named unmatchable-* Pillow decodes but this service refuses, because it cannot reproduce those pixels exactly.
    add("baseline-data-cut-eoi-kept.jpg", base[: len(base) * 2 // 3] + b"\xff\xd9")
    add("unmatchable-progressive-scans-missing.jpg", drop_last_scans(e("photo", 64, 48, "ycc", 90, "2x2", "progressive"), 4))
    # Refusals: what Pillow cannot decode.
    add("refused-truncated-baseline.jpg", base[: len(base) // 2])
    add("refused-truncated-progressive.jpg", e("photo", 64, 48, "ycc", 90, "2x2", "progressive")[:700])
    add("refused-12-bit-precision.jpg", patch_sof(base, precision=12))
    add("refused-lossless-sof3.jpg", patch_sof(base, marker=0xC3))
    add("refused-no-frame.jpg", base[:2] + b"\xff\xd9")
    return items


def reference_tensor(image):
    """HF CLIPImageProcessor for Florence-2: PIL bicubic resize, float64 rescale stored as float32, float32 normalize."""
    resized = np.asarray(image.resize((TENSOR_SIZE, TENSOR_SIZE), Image.BICUBIC))
    rescaled = (resized.astype(np.float64) * RESCALE).astype(np.float32)
    normalized = (rescaled - np.array(MEAN, dtype=np.float32)) / np.array(STD, dtype=np.float32)
    return np.ascontiguousarray(normalized.transpose(2, 0, 1)).astype("<f4").tobytes()


def main():
    with tempfile.TemporaryDirectory() as tmp:
        encoder = os.path.join(tmp, "encode")
        subprocess.run(["gcc", "-O2", "-o", encoder, os.path.join(HERE, "encode.c"), "-ljpeg"], check=True)
        items = corpus(encoder)
    for old in os.listdir(HERE):
        if old.endswith(".jpg"):
            os.remove(os.path.join(HERE, old))
    rows = ["# file\toutcome\twidth\theight\tpillow_mode\trgb_sha256\ttensor_sha256\tpillow_error"]
    for name, data, tensor in items:
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        try:
            with Image.open(io.BytesIO(data)) as image:
                mode = image.mode
                rgb = image.convert("RGB")
            digest = hashlib.sha256(rgb.tobytes()).hexdigest()
            tensor_digest = hashlib.sha256(reference_tensor(rgb)).hexdigest() if tensor else "-"
            rows.append(f"{name}\tdecoded\t{rgb.width}\t{rgb.height}\t{mode}\t{digest}\t{tensor_digest}\t-")
        except Exception as error:  # what Pillow refuses, we refuse
            message = re.sub(r" <[^>]* at 0x[0-9a-f]+>", "", str(error))  # no memory addresses: the file must be reproducible
            rows.append(f"{name}\trefused\t-\t-\t-\t-\t-\t{type(error).__name__}: {message}")
    with open(os.path.join(HERE, "pillow.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    total = sum(len(d) for _, d, _ in items)
    print(f"Pillow {PIL.__version__}, libjpeg-turbo {features.version_feature('libjpeg_turbo')}: {len(items)} files, {total} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
