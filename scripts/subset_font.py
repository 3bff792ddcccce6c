"""Make the vendored PDF fonts (issue #12) from Noto Sans SC Regular (SIL OFL 1.1).

The full font is 10.5 MB and fpdf2 needs about 0.7 s just to open it, on every PDF; the
reports must stay well under a second. So the font is cut in two, by the GB character sets:

  NotoSansSC-Core.ttf   GB2312 (6,763 hanzi and the symbols) + ASCII, Latin-1, punctuation,
                        the minus sign, CJK symbols and full-width forms: every report opens
                        this one (~0.3 s)
  NotoSansSC-Ext.ttf    the rest of GBK (the other 14,000 hanzi: rarer name characters such
                        as 喆 or 堃): opened only when a document has such a character

Both keep the font's names and outlines unchanged (a subset is a Modified Version under the
OFL; the Reserved Font Name is "Source", which neither uses). Build-time only: fontTools is a
dependency of fpdf2, so the app's venv has it.

    cd /tmp && npm pack @expo-google-fonts/noto-sans-sc@0.4.3 && tar xzf expo-google-fonts-noto-sans-sc-0.4.3.tgz
    .venv/bin/python scripts/subset_font.py /tmp/package/400Regular/NotoSansSC_400Regular.ttf
    cp /tmp/package/LICENSE_FONT app/static/fonts/OFL.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parent.parent / "app" / "static" / "fonts"
# U+2212 "−": the minus sign every negative figure is written with (app/rules/points.py).
EXTRA_RANGES = [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x2100, 0x2200),
                (0x2212, 0x2213), (0x2460, 0x2500), (0x3000, 0x3040), (0xFF00, 0xFFF0)]


def double_byte(encoding: str, lead: range, trail: range) -> set[int]:
    chars = set()
    for first in lead:
        for second in trail:
            try:
                text = bytes([first, second]).decode(encoding)
            except UnicodeDecodeError:
                continue
            chars.add(ord(text))
    return chars


def write_subset(source: Path, unicodes: set[int], name: str) -> None:
    options = subset.Options()
    options.layout_features = []  # fpdf2 does no shaping here: plain horizontal CJK text
    options.hinting = False  # print resolution; halves the size
    options.name_IDs = ["*"]  # keep the copyright and licence records
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    font = TTFont(source)
    subsetter.subset(font)
    font.save(OUT / name)
    print(f"{name}: {len(unicodes)} characters, {(OUT / name).stat().st_size:,} bytes")


def main(source: str) -> None:
    path = Path(source)
    available = set(TTFont(path).getBestCmap())
    core = double_byte("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    for start, stop in EXTRA_RANGES:
        core |= set(range(start, stop))
    core &= available
    ext = (double_byte("gbk", range(0x81, 0xFF), range(0x40, 0xFF)) & available) - core
    write_subset(path, core, "NotoSansSC-Core.ttf")
    write_subset(path, ext, "NotoSansSC-Ext.ttf")


if __name__ == "__main__":
    main(sys.argv[1])
