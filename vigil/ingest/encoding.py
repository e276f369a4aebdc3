"""Bytes to text: UTF-8 (with or without BOM) first, a confident detection second, else a clear refusal."""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

__all__ = [
    "SAMPLE_BYTES",
    "UndecodableError",
    "choose_encoding",
    "decode_document",
    "has_bad_bytes",
    "looks_binary",
    "open_text_stream",
]

logger = logging.getLogger(__name__)

SAMPLE_BYTES = 65_536
MAX_CHAOS = 0.1  # charset-normalizer "mess" ratio above which a detection is not trusted
MIN_DETECT_BYTES = 32
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_PREFERRED = ("cp1252",)
_WESTERN_TIES = {
    "iso8859_1", "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_9", "iso8859_10", "iso8859_13",
    "iso8859_14", "iso8859_15", "iso8859_16", "latin_1", "cp1250", "cp1257", "cp775", "cp850", "mac_roman",
}  # fmt: skip
_TEXT_CONTROLS = {7, 8, 9, 10, 11, 12, 13, 27}
_CONVERT_HINT = "convert it to UTF-8 (e.g. `iconv -f <encoding> -t utf-8`) and try again"


class UndecodableError(ValueError):
    """The bytes are binary or in an encoding that cannot be told with confidence."""


def _bom_encoding(sample: bytes) -> str | None:
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    return None


def looks_binary(sample: bytes) -> bool:
    """True when ``sample`` (the first bytes of an input) is not text.

    Args:
        sample: leading bytes; a UTF-16/32 byte-order mark marks text even with NUL bytes.
    Returns:
        True for NUL bytes or many control characters without a UTF-16/32 BOM.
    """
    if not sample or _bom_encoding(sample) is not None:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample[:4096] if byte < 32 and byte not in _TEXT_CONTROLS)
    return controls > len(sample[:4096]) * 0.05


def _detect(sample: bytes, name: str) -> str:
    if len(sample) < MIN_DETECT_BYTES:
        raise UndecodableError(f"{name} is not valid UTF-8 and too short to detect its encoding; {_CONVERT_HINT}")
    from charset_normalizer import from_bytes

    matches = list(from_bytes(sample))
    best = matches[0] if matches else None
    if best is None or best.chaos > MAX_CHAOS or best.encoding.startswith(("utf_16", "utf_32")):
        raise UndecodableError(f"{name} is not valid UTF-8 and its encoding could not be detected; {_CONVERT_HINT}")
    encoding = str(best.encoding)
    # Western single-byte encodings often tie; Windows-1252 is by far the most common of them.
    for match in matches:
        if match.encoding in _PREFERRED and match.chaos <= best.chaos and best.encoding in _WESTERN_TIES:
            encoding = str(match.encoding)
            break
    logger.info("%s is not UTF-8; decoding it as %s (detected)", name, encoding)
    return encoding


def choose_encoding(sample: bytes, name: str) -> str:
    """The codec to read a stream with, judged from its first bytes.

    Args:
        sample: the first ``SAMPLE_BYTES`` bytes (may end in the middle of a character).
        name: file name or URL, for messages.
    Returns:
        ``"utf-8-sig"`` for UTF-8 (with or without BOM), the BOM's codec, or a confidently
        detected legacy encoding.
    Raises:
        UndecodableError: binary data, or an encoding that cannot be detected with confidence.
    """
    if looks_binary(sample):
        raise UndecodableError(f"binary file: {name} is not text (NUL or control bytes)")
    bom = _bom_encoding(sample)
    if bom is not None:
        return bom
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return _detect(sample, name)
    return "utf-8-sig"


def decode_document(data: bytes, name: str) -> str:
    """Decode a whole document.

    Args:
        data: the document's bytes.
        name: file name or URL, for messages.
    Returns:
        The text, without BOM.
    Raises:
        UndecodableError: binary data, or not UTF-8 and no confident detection.
    """
    encoding = choose_encoding(data[:SAMPLE_BYTES], name)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding != "utf-8-sig":
            raise UndecodableError(f"{name} could not be decoded as {encoding}; {_CONVERT_HINT}") from None
    # valid UTF-8 at the start, broken later: try a detection on the whole document
    encoding = _detect(data, name)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UndecodableError(f"{name} could not be decoded as {encoding}; {_CONVERT_HINT}") from None


_ESCAPED = re.compile("[\udc80-\udcff]")


@contextmanager
def open_text_stream(stream: BinaryIO, name: str) -> Iterator[io.TextIOWrapper]:
    """Wrap a seekable binary stream for line-by-line decoding in constant memory.

    UTF-8 streams decode with ``surrogateescape`` so that one bad byte spoils only its own
    line or row (check it with :func:`has_bad_bytes`); a detected legacy encoding decodes
    strictly. Newlines are left as they are (``newline=""``), as the csv module needs.

    Args:
        stream: a seekable binary stream positioned at its start.
        name: file name or URL, for messages.
    Returns:
        A context manager giving a text stream over ``stream``; on exit the wrapper is detached,
        so ``stream`` stays open for its owner to close.
    Raises:
        UndecodableError: binary data, an encoding that cannot be detected with confidence, or
            bytes that a detected legacy encoding cannot decode further on.
    """
    sample = stream.read(SAMPLE_BYTES)
    stream.seek(0)
    encoding = choose_encoding(sample, name)
    errors = "surrogateescape" if encoding == "utf-8-sig" else "strict"
    wrapper = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline="")
    try:
        yield wrapper
    except UnicodeDecodeError as exc:  # a strict legacy decoding that breaks after the sample
        raise UndecodableError(
            f"{name}: not valid {encoding} text after the part already read ({exc.reason}); "
            "save the file as UTF-8 and ingest it again"
        ) from None
    finally:
        wrapper.detach()


def has_bad_bytes(text: str) -> bool:
    """True when ``text`` (from :func:`open_text_stream`) holds bytes that were not valid UTF-8.

    Args:
        text: a decoded line or field.
    Returns:
        True if an undecodable byte was escaped into it.
    """
    return _ESCAPED.search(text) is not None
