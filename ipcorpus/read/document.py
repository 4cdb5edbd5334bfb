"""Bytes to a normalized Document: the first two steps of the data flow. A web page
(`.html`, `.htm`) is read by html_page.py into its blocks; any other file line by line."""
from __future__ import annotations

from ipcorpus.errors import InputError
from ipcorpus.models import Document
from ipcorpus.read.normalize import normalize_lines
from ipcorpus.read.source import MAX_BYTES, decode, read_bytes, split_lines


def document_from_bytes(path: str, data: bytes) -> Document:
    if not data.strip():
        raise InputError("empty file")
    from ipcorpus.read.html_page import is_html
    if is_html(path):
        return _page(path, data)
    dec = decode(data)
    lines, script = normalize_lines(split_lines(dec.text))
    doc = Document(path, dec.encoding, script, lines, len(data))
    if dec.lost:
        doc.warnings.append(f"{dec.lost} characters could not be decoded as {dec.encoding}")
    if not any(ln.text for ln in lines):
        raise InputError("empty file (only blank lines)")
    return doc


def _page(path: str, data: bytes) -> Document:
    """A web page: one line per block of text, numbered by the source line it starts on."""
    from ipcorpus.read.html_page import decode_page, read_page
    dec, warning = decode_page(data)
    page = read_page(dec.text)
    lines, script = normalize_lines(page.texts)
    for ln, number, block in zip(lines, page.lines, page.blocks, strict=True):
        ln.number, ln.block = number, block
    if page.meta.title:     # compared with the blocks' text, so normalized as they are
        from ipcorpus.clean.text import bare
        page.meta.title = bare(normalize_lines([page.meta.title])[0][0].text) or None
    doc = Document(path, dec.encoding, script, lines, len(data), markup=page.meta)
    doc.warnings.extend(([warning] if warning else []) + page.warnings)
    if dec.lost:
        doc.warnings.append(f"{dec.lost} characters could not be decoded as {dec.encoding}")
    if not any(ln.text for ln in lines if not (ln.block and ln.block.drop)):
        raise InputError("empty file (no text outside markup)")
    return doc


def original_lines(path: str) -> list[str]:
    """The original text of each line of a file, index n - 1 for line n of a text
    file; of a web page, each block's text (what clean --original and show print)."""
    from ipcorpus.read.html_page import decode_page, is_html, read_page
    data = read_bytes(path)
    if is_html(path):
        return read_page(decode_page(data)[0].text).texts
    return split_lines(decode(data).text)


def load_document(path: str, max_bytes: int = MAX_BYTES) -> Document:
    return document_from_bytes(path, read_bytes(path, max_bytes))
