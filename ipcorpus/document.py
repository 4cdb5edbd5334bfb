"""Bytes to a normalized Document: the first two steps of the data flow."""
from __future__ import annotations

from ipcorpus.errors import InputError
from ipcorpus.models import Document
from ipcorpus.normalize import normalize_lines
from ipcorpus.source import MAX_BYTES, decode, read_bytes, split_lines


def document_from_bytes(path: str, data: bytes) -> Document:
    if not data.strip():
        raise InputError("empty file")
    dec = decode(data)
    lines, script = normalize_lines(split_lines(dec.text))
    doc = Document(path, dec.encoding, script, lines, len(data))
    if dec.lost:
        doc.warnings.append(f"{dec.lost} characters could not be decoded as {dec.encoding}")
    if not any(ln.text for ln in lines):
        raise InputError("empty file (only blank lines)")
    return doc


def load_document(path: str, max_bytes: int = MAX_BYTES) -> Document:
    return document_from_bytes(path, read_bytes(path, max_bytes))
