"""Images from untrusted files (signature PNGs): checked whole before anything decodes them for a document."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from PIL import Image

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def read_png(path: Path) -> bytes:
    """The bytes of a PNG file that is whole and decodes; ValueError saying what is wrong otherwise."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.startswith(PNG_MAGIC):
        raise ValueError(f"{path} is not a PNG file")
    # A truncated or corrupt image would otherwise fail only inside the Word writer. Checked by its
    # chunks rather than by Pillow alone: WeasyPrint tells Pillow to accept truncated images.
    problem = png_chunk_problem(data)
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
