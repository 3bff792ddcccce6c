"""Reads back what a PDF of fpdf2 says, without a PDF library (issue #12 tests).

fpdf2 writes each font as a Type0 font with Identity-H glyph codes and a ToUnicode CMap;
the page content shows strings with `(...) Tj` after `/Fn size Tf`. Decoding those strings
through their font's CMap gives the text back: a check that the Chinese really is in the
file as text (searchable, copyable), not only that some bytes are there.
"""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)
LENGTH = re.compile(rb"/Length\s+(\d+)\b(?!\s+\d+\s+R)")
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
TOKEN = re.compile(rb"/(F\d+)\s+[\d.]+\s+Tf|\(((?:\\.|[^\\)])*)\)\s*Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def objects(data: bytes) -> dict[int, bytes]:
    return {int(number): body for number, body in OBJECT.findall(data)}


def stream(body: bytes) -> bytes:
    found = STREAM.search(body)
    raw = found.group(1)
    length = LENGTH.search(body[:found.start()])
    if length is not None:  # the dictionary's own count: the data may end in a "\r" byte
        raw = body[found.start(1):found.start(1) + int(length.group(1))]
    return zlib.decompress(raw) if b"/FlateDecode" in body else raw


def _unescape(literal: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(literal):
        char = literal[i:i + 1]
        if char != b"\\":
            out += char
            i += 1
            continue
        following = literal[i + 1:i + 2]
        octal = re.match(rb"[0-7]{1,3}", literal[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(0), 8))
            i += 1 + len(octal.group(0))
        else:
            out += ESCAPES.get(following, following)
            i += 2
    return bytes(out)


def _cmap(text: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
        for source, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            mapping[int(source, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
        for low, high, target in re.findall(
                rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            start = ord(bytes.fromhex(target.decode()).decode("utf-16-be"))
            for offset, code in enumerate(range(int(low, 16), int(high, 16) + 1)):
                mapping[code] = chr(start + offset)
    return mapping


def page_count(data: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def pdf_lines(data: bytes) -> list[str]:
    """Every shown string of the PDF, decoded, in the order of the pages."""
    objs = objects(data)
    fonts = {}  # object number of a Type0 font → its glyph code → text
    for number, body in objs.items():
        match = re.search(rb"/ToUnicode (\d+) 0 R", body)
        if match and b"/Type0" in body:
            fonts[number] = _cmap(stream(objs[int(match.group(1))]))
    names = {}
    for body in objs.values():
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            if int(number) in fonts:
                names[name] = fonts[int(number)]
    lines = []
    for body in objs.values():
        if not re.search(rb"/Type /Page\b(?!s)", body):
            continue
        content = stream(objs[int(re.search(rb"/Contents (\d+) 0 R", body).group(1))])
        font = {}
        for name, literal in TOKEN.findall(content):
            if name:
                font = names.get(name, {})
                continue
            codes = _unescape(literal)
            lines.append("".join(font.get(int.from_bytes(codes[i:i + 2], "big"), "\ufffd")
                                 for i in range(0, len(codes) - 1, 2)))
    return lines
