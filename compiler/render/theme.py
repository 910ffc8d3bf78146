"""The provider's house style (theme.yaml: fonts, colours, logo) and where a provider's own files replace ours."""
from __future__ import annotations

import hashlib
import io
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationError

from compiler.errors import SgpackError
from compiler.shipped import asset_dir

LOGO_MAX_BYTES = 2 * 2**20
LOGO_MAX_PIXELS = 4_000_000


class Theme(BaseModel):
    model_config = ConfigDict(extra="forbid")
    font: str
    font_bold: str
    colours: dict[str, str]
    logo: str | None = None          # a PNG or JPEG in the same folder as theme.yaml; drawn on every PDF cover
    _logo_png: bytes | None = PrivateAttr(default=None)

    @property
    def logo_png(self) -> bytes | None:
        """The logo as a clean PNG (no metadata), or None."""
        return self._logo_png

    @property
    def key(self) -> str:
        """What of the theme a page depends on, digested (the logo by its pixels)."""
        logo = hashlib.sha256(self._logo_png).hexdigest() if self._logo_png else ""
        return hashlib.sha256(repr((self.model_dump(), logo)).encode("utf-8")).hexdigest()


def template_file(name: str, templates: Path | None = None) -> Path | Traversable:
    """A provider's file from `--templates DIR` when it has one, else the shipped one."""
    if templates is not None:
        if not templates.is_dir():
            raise SgpackError("templates folder not found", file=str(templates))
        candidate = templates / name
        if candidate.is_file():
            return candidate
    return asset_dir("templates").joinpath(name)


def load_theme(templates: Path | None = None) -> Theme:
    source = template_file("theme.yaml", templates)
    try:
        theme = Theme.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise SgpackError(f"theme is invalid: {exc}".splitlines()[0], file=str(source)) from None
    if theme.logo:
        theme._logo_png = _logo(source, theme.logo)
    return theme


def _logo(theme_file: Path | Traversable, name: str) -> bytes:
    """The logo named in theme.yaml, from the same folder, as a PNG with no metadata; refused with a message
    naming theme.yaml and the field when it is not a small PNG or JPEG beside it."""
    where = str(theme_file)

    def refuse(why: str) -> SgpackError:
        return SgpackError(f"{why}: {name!r}", file=where, field="logo")

    if Path(name).name != name or name in (".", ".."):
        raise refuse("the logo must be a file in the same folder as theme.yaml")
    folder = Path(str(theme_file)).parent
    path = folder / name
    if path.is_symlink() or not path.is_file():
        raise refuse("no such logo file beside theme.yaml")
    data = path.read_bytes()
    if len(data) > LOGO_MAX_BYTES:
        raise refuse(f"the logo is larger than {LOGO_MAX_BYTES // 2**20} MB")
    if not data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8")):
        raise refuse("the logo must be a PNG or JPEG image")
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=["PNG", "JPEG"])
            if image.width * image.height > LOGO_MAX_PIXELS:
                raise refuse(f"the logo has more than {LOGO_MAX_PIXELS:,} pixels")
            image.load()
            image = image.convert("RGBA")
    except SgpackError:
        raise
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on a damaged image
        raise refuse(f"the logo cannot be read ({type(exc).__name__})")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)       # re-encoded: no EXIF or other metadata travels on
    return out.getvalue()
