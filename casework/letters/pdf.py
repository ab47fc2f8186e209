"""PDF output with WeasyPrint, refused rather than printed in boxes when fonts or libraries lack.

WeasyPrint with no CJK font silently prints boxes, and without libharfbuzz-subset one page takes
over ten seconds (docs/architecture.md). Before the first PDF, a probe renders Chinese in the
letters' font chain and checks that every glyph came from one of its fonts; each letter is
checked again for characters no installed font has (a rare character in a name).
"""

from __future__ import annotations

import ctypes.util
import functools
import threading

from casework.errors import CaseworkError

# The font chain of the letters (templates/_layout.html.j2): an office installs the fonts it is
# licensed for, Debian's Noto Serif CJK SC is the fallback that is always there.
FONT_CHAIN = ("仿宋_GB2312", "FangSong", "Noto Serif CJK SC")
TITLE_FONTS = ("方正小标宋简体", "FZXiaoBiaoSong-B05S")
ACCEPTED_FAMILIES = frozenset(
    {*FONT_CHAIN, *TITLE_FONTS, "FangSong_GB2312", "仿宋", "Noto Serif CJK SC Bold"}
)
PACKAGES = ("fonts-noto-cjk", "libharfbuzz-subset0", "libpango-1.0-0", "libpangoft2-1.0-0")
INSTALL = "apt-get install -y " + " ".join(PACKAGES)
PROBE = "政府信息公开申请答复书：经审查，特此告知。〔2026〕号（印章）"
_RENDERING = threading.Lock()


def _font_problems(document: object) -> tuple[set[str], set[str]]:
    """(families used that are not in the chain, characters no font had) of a rendered PDF."""
    strangers: set[str] = set()
    missing: set[str] = set()
    for font in getattr(document, "fonts", {}).values():
        family = str(getattr(font, "family", ""))
        if family and family not in ACCEPTED_FAMILIES:
            strangers.add(family)
        missing.update(chr(cp) for cp in getattr(font, "missing", {}))
    return strangers, missing


def _chain_family() -> str | None:
    """The first family of the font chain that fontconfig really has (None: none of them).

    Asked of fontconfig directly, through WeasyPrint's own bindings, because WeasyPrint with
    no font at all does not print boxes: it crashes the process (seen: segmentation fault).
    """
    from weasyprint.text.ffi import ffi, fontconfig

    config = ffi.gc(fontconfig.FcInitLoadConfigAndFonts(), fontconfig.FcConfigDestroy)
    if fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem).nfont == 0:
        return None
    for family in FONT_CHAIN:
        pattern = ffi.gc(fontconfig.FcPatternCreate(), fontconfig.FcPatternDestroy)
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        match = fontconfig.FcFontMatch(config, pattern, ffi.new("FcResult *"))
        if match == ffi.NULL:
            continue
        match = ffi.gc(match, fontconfig.FcPatternDestroy)
        name = ffi.new("FcChar8 **")
        index = 0
        # A font has several family names (English, Chinese): any of them may be the chain's.
        while fontconfig.FcPatternGetString(match, b"family", index, name) == 0:
            found: str = ffi.string(name[0]).decode()
            if found in ACCEPTED_FAMILIES:
                return found
            index += 1
    return None


@functools.cache
def unavailable_reason() -> str | None:
    """Why PDF cannot be produced here (one line naming the Debian packages), or None."""
    try:
        import weasyprint
    except ImportError:
        return "未安装 Python 包 weasyprint（pip install weasyprint）"
    except OSError as err:  # WeasyPrint loads Pango when imported
        return f"缺少 Pango（Debian 软件包 libpango-1.0-0、libpangoft2-1.0-0；{INSTALL}）：{err}"
    if ctypes.util.find_library("harfbuzz-subset") is None:
        return f"缺少 Debian 软件包 libharfbuzz-subset0（没有它每页要十几秒；{INSTALL}）"
    no_font = (
        f"没有可用的中文字体（Debian 软件包 fonts-noto-cjk，或本机已授权的仿宋_GB2312；{INSTALL}）"
    )
    if _chain_family() is None:
        return no_font
    chain = ", ".join(f'"{f}"' for f in FONT_CHAIN)
    page = f"<html lang=\"zh-CN\"><p style='font-family: {chain}'>{PROBE}</p></html>"
    probe = weasyprint.HTML(string=page).render()
    probe.write_pdf()
    strangers, missing = _font_problems(probe)
    return no_font if missing or strangers else None


@functools.cache
def _font_config() -> object:
    """One WeasyPrint font configuration per process (fontconfig's font list and Pango's font
    map are set up once, not for every letter)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def warm_up() -> str | None:
    """Set WeasyPrint up in this process (import, font probe, font configuration) so that the
    first letter costs what the others do; returns ``unavailable_reason()``. The initializer of
    the render workers (casework/letters/render_workers.py)."""
    reason = unavailable_reason()
    if reason is None:
        _font_config()
    return reason


def try_pdf(html: str) -> tuple[bytes | None, str | None]:
    """(A4 PDF of a letter's HTML, None), or (None, why not) instead of a PDF with boxes."""
    reason = unavailable_reason()
    if reason is not None:
        return None, f"无法生成 PDF：{reason}"
    import weasyprint

    # One PDF at a time per process: WeasyPrint, Pango and fontconfig are not documented as
    # safe to use from several threads at once, and an embedding server issues from threads.
    with _RENDERING:
        document = weasyprint.HTML(string=html).render(font_config=_font_config())
        data = document.write_pdf()
    _, missing = _font_problems(document)
    if missing:
        chars = "".join(sorted(missing))
        return None, f"无法生成 PDF：已安装的字体中没有这些字：{chars}（打印出来会是方框）"
    return bytes(data), None


def render_pdf(html: str) -> bytes:
    """The PDF, or a CaseworkError naming what to install (HTML and DOCX are not affected)."""
    data, reason = try_pdf(html)
    if data is None:
        raise CaseworkError(f"{reason}；HTML 与 DOCX 不受影响", field="pdf", rule=INSTALL)
    return data
