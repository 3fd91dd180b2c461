"""A font with Chinese glyphs for the captions drawn into GIFs, found at run time.

PIL's default font has no CJK glyphs (a Chinese caption comes out as boxes), and no font is shipped
with the repository (a CJK font is ~20 MB).  ``cjk_font`` looks, in this order, at ``$EBM_CJK_FONT``,
the places Debian/Ubuntu (``apt-get install fonts-noto-cjk``), Fedora, Arch, macOS and Windows put
theirs, then any ``*CJK*``/WenQuanYi file under the system font folders; ``None`` when there is none
(callers then draw their captions in English).
"""

from __future__ import annotations

import functools
import glob
import os

from PIL import ImageFont

#: Known files, most likely first (a .ttc holds several faces: the Simplified Chinese one is chosen).
CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu: fonts-noto-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian: fonts-wqy-microhei
    "/System/Library/Fonts/PingFang.ttc", "/System/Library/Fonts/STHeiti Medium.ttc",  # macOS
    "C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/simhei.ttf",  # Windows
)
_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", os.path.expanduser("~/.fonts"),
            os.path.expanduser("~/.local/share/fonts"))
_PROBE = "中文第帧次更新"  # glyphs a caption needs; a font that lacks them is not used


def _faces(path: str, size: int):
    """The faces of one font file, Simplified Chinese ("SC") first."""
    faces = []
    for index in range(8):  # (a .ttc has a handful of faces; a .ttf one)
        try:
            faces.append(ImageFont.truetype(path, size, index=index))
        except OSError:
            break
    return sorted(faces, key=lambda f: not (f.getname()[0] or "").endswith("SC"))


def _has_glyphs(font) -> bool:
    # A missing glyph is drawn as the same empty box ("tofu") for every character; real glyphs differ.
    masks = {bytes(font.getmask(ch)) for ch in _PROBE}
    return len(masks) == len(set(_PROBE))


def font_files() -> list[str]:
    """Where a CJK font may be, in the order ``cjk_font`` tries them."""
    env = os.environ.get("EBM_CJK_FONT", "")
    found = [env] if env else []
    found += [p for p in CANDIDATES if os.path.isfile(p)]
    for folder in _FOLDERS:
        for pattern in ("**/*CJK*.tt[cf]", "**/*CJK*.otf", "**/wqy*.tt[cf]"):
            found += sorted(glob.glob(os.path.join(folder, pattern), recursive=True))
    return list(dict.fromkeys(found))


@functools.lru_cache(maxsize=8)
def cjk_font(size: int = 12):
    """A FreeType font of ``size`` px that draws Chinese, or None when this machine has none."""
    for path in font_files():
        for face in _faces(path, size):
            if _has_glyphs(face):
                return face
    return None
