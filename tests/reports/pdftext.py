"""Just enough of a PDF reader to get the text out of a WeasyPrint PDF, offline.

WeasyPrint writes text as glyph ids in Type0 fonts (``/Identity-H``) with a ``ToUnicode``
CMap per font, in Flate-compressed content streams. This decompresses every stream, reads
the CMaps, follows ``Tf`` (font selection) and decodes ``Tj``/``TJ`` strings. It is a test
helper, not a general PDF parser (no pypdf or poppler on the machines).
"""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
HEX = re.compile(rb"<([0-9a-fA-F]*)>")
TEXT_OPS = re.compile(
    rb"/([^\s/\[\]<>()]+)\s+[\d.]+\s+Tf|(\[(?:[^\]]*)\])\s*TJ|<([0-9a-fA-F]*)>\s*Tj"
)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    found: dict[int, tuple[bytes, bytes | None]] = {}
    for match in OBJECT.finditer(pdf):
        number, body = int(match[1]), match[2]
        stream = STREAM.search(body)
        data = None
        if stream:
            data = stream[1]
            head = body[: stream.start()]
            if b"FlateDecode" in head:
                try:
                    data = zlib.decompress(data)
                except zlib.error:
                    data = zlib.decompressobj().decompress(data)
            body = head
        found[number] = (body, data)
    # Compressed PDFs keep most dictionaries inside object streams.
    for body, data in list(found.values()):
        if b"/ObjStm" not in body or not data:
            continue
        count = int(re.search(rb"/N (\d+)", body)[1])
        first = int(re.search(rb"/First (\d+)", body)[1])
        header = data[:first].split()
        offsets = [(int(header[2 * i]), int(header[2 * i + 1])) for i in range(count)]
        for index, (number, offset) in enumerate(offsets):
            end = offsets[index + 1][1] if index + 1 < count else len(data) - first
            found.setdefault(number, (data[first + offset : first + end], None))
    return found


def _cmap(data: bytes) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        pairs = HEX.findall(block)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for line in block.strip().splitlines():
            values = HEX.findall(line)
            if len(values) < 3:
                continue
            start, end = int(values[0], 16), int(values[1], 16)
            if b"[" in line:
                for offset, dst in enumerate(values[2:]):
                    mapping[start + offset] = bytes.fromhex(dst.decode()).decode("utf-16-be")
            else:
                base = bytes.fromhex(values[2].decode()).decode("utf-16-be")
                for offset in range(end - start + 1):
                    mapping[start + offset] = base[:-1] + chr(ord(base[-1]) + offset)
    return mapping


def pdf_text(pdf: bytes) -> str:
    """Every shown string, one line per text operation."""
    objects = _objects(pdf)
    fonts: dict[int, dict[int, str]] = {}
    for number, (body, _data) in objects.items():
        if b"/Type /Font" in body and b"/ToUnicode" in body:
            ref = re.search(rb"/ToUnicode (\d+) 0 R", body)
            if ref and int(ref[1]) in objects:
                fonts[number] = _cmap(objects[int(ref[1])][1] or b"")
    names: dict[bytes, dict[int, str]] = {}
    for body, _data in objects.values():
        for name, ref in re.findall(rb"/([^\s/\[\]<>()]+) (\d+) 0 R", body):
            if int(ref) in fonts:
                names[name] = fonts[int(ref)]
    lines: list[str] = []
    for _body, data in objects.values():
        if not data or b"Tf" not in data:
            continue
        cmap: dict[int, str] = {}
        for match in TEXT_OPS.finditer(data):
            if match[1]:
                cmap = names.get(match[1], {})
                continue
            chunks = HEX.findall(match[2]) if match[2] else [match[3]]
            text = []
            for chunk in chunks:
                for i in range(0, len(chunk), 4):
                    text.append(cmap.get(int(chunk[i : i + 4], 16), "\ufffd"))
            lines.append("".join(text))
    return "\n".join(lines)
