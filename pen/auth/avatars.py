"""Profile images: checked by content (PNG, JPEG, WebP), re-encoded, stored under instance/uploads."""

import io
import logging
import secrets
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
MAX_SOURCE_PIXELS = 40_000_000  # refuse decompression bombs before decoding
AVATAR_SIZE = 256
AVATAR_DIR = "avatars"


class InvalidImage(ValueError):
    pass


def uploads_root() -> Path:
    return Path(current_app.instance_path) / "uploads"


def encode_avatar(data: bytes) -> bytes:
    """Validate an uploaded image by its content and return a fresh, metadata-free WebP."""
    limit = current_app.config["PEN_AVATAR_MAX_BYTES"]
    if len(data) > limit:
        raise InvalidImage(f"The image is larger than {limit // (1024 * 1024)} MB.")
    if not data:
        raise InvalidImage("The file is empty.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise InvalidImage("Use a PNG, JPEG or WebP image.")
            width, height = probe.size
            if width * height > MAX_SOURCE_PIXELS:
                raise InvalidImage("The image has too many pixels.")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image = ImageOps.fit(image.convert("RGBA"), (AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, format="WEBP", quality=85)
            return out.getvalue()
    except InvalidImage:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidImage("That file is not a readable PNG, JPEG or WebP image.") from exc


def store_avatar(user_id: int, data: bytes) -> str:
    """Save the re-encoded image under a random name; returns the path relative to uploads/."""
    encoded = encode_avatar(data)
    folder = uploads_root() / AVATAR_DIR
    folder.mkdir(parents=True, exist_ok=True)
    relative = f"{AVATAR_DIR}/{user_id}-{secrets.token_hex(8)}.webp"
    (uploads_root() / relative).write_bytes(encoded)
    return relative


def avatar_path(relative: str | None) -> Path | None:
    """The file for a stored `profileImage`, only if it is one of ours inside uploads/avatars/."""
    if not relative:
        return None
    root = (uploads_root() / AVATAR_DIR).resolve()
    candidate = (uploads_root() / relative).resolve()
    if candidate.parent != root or not candidate.is_file():
        return None
    return candidate


def remove_avatar_file(relative: str | None) -> None:
    path = avatar_path(relative)
    if path is not None:
        path.unlink(missing_ok=True)
