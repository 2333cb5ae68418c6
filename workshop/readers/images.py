"""Images from untrusted files (signature PNGs, logos): their size checked before anything decodes them,
and checked whole before a document uses them."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from PIL import Image

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_IMAGE_BYTES = 5_000_000
"""Largest image file: a signature or a logo is a few hundred kilobytes."""
MAX_IMAGE_PIXELS = 10_000_000
"""Most pixels an image may have (e.g. 4000 x 2500). A 700 KB PNG can say it is 20000 x 20000 and take
gigabytes to decode (a decompression bomb); the size is read from the header and refused first."""


def read_image_file(path: Path) -> bytes:
    """The bytes of an image file no larger than MAX_IMAGE_BYTES; ValueError naming the file and what is wrong otherwise."""
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise ValueError(f"{path} is too large ({size:,} bytes; the limit is {MAX_IMAGE_BYTES:,})")
        return path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None


def pixel_problem(data: bytes) -> str | None:
    """What is wrong with an image's dimensions (too many pixels), read from its header without decoding it."""
    try:
        if data.startswith(PNG_MAGIC) and data[12:16] == b"IHDR":
            width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        else:
            with Image.open(io.BytesIO(data)) as image:  # reads the header only
                width, height = image.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        return str(exc)
    if width * height > MAX_IMAGE_PIXELS:
        return f"it is {width} x {height} pixels; the limit is {MAX_IMAGE_PIXELS:,} pixels"
    return None


def read_png(path: Path) -> bytes:
    """The bytes of a PNG file that is whole, of a sensible size, and decodes; ValueError saying what is wrong otherwise."""
    data = read_image_file(path)
    if not data.startswith(PNG_MAGIC):
        raise ValueError(f"{path} is not a PNG file")
    # A truncated or corrupt image would otherwise fail only inside the Word writer. Checked by its
    # chunks rather than by Pillow alone: WeasyPrint tells Pillow to accept truncated images.
    problem = png_chunk_problem(data) or pixel_problem(data)
    if problem is None:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
            problem = str(exc)
    if problem is not None:
        raise ValueError(f"{path} is not a readable PNG image ({problem})")
    return data


def png_chunk_problem(data: bytes) -> str | None:
    """What is wrong with a PNG's chunk structure (IHDR first, IDAT, IEND last, every CRC right), or None."""
    position, kinds = len(PNG_MAGIC), []
    while position < len(data):
        if position + 12 > len(data):
            return "it is cut short"
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        end = position + 8 + length
        if end + 4 > len(data):
            return "it is cut short"
        if zlib.crc32(data[position + 4:end]) != int.from_bytes(data[end:end + 4], "big"):
            return f"the {kind.decode('latin-1')} chunk is damaged"
        kinds.append(kind)
        position = end + 4
        if kind == b"IEND":
            break
    if not kinds or kinds[0] != b"IHDR" or b"IDAT" not in kinds or kinds[-1] != b"IEND":
        return "it is cut short" if kinds and kinds[-1] != b"IEND" else "it has no image data"
    return None
