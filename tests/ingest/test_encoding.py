from __future__ import annotations

import io

import pytest

from vigil.ingest.encoding import (
    UndecodableError,
    decode_document,
    has_bad_bytes,
    looks_binary,
    open_text_stream,
)

FRENCH = "Le président a déclaré que l'économie française était « très forte » cette année, malgré les crises."


def test_encoding_utf8_with_bom() -> None:
    assert decode_document(b"\xef\xbb\xbf" + FRENCH.encode(), "f.txt") == FRENCH


def test_encoding_utf16_with_bom_is_text() -> None:
    data = FRENCH.encode("utf-16")
    assert not looks_binary(data)
    assert decode_document(data, "f.txt") == FRENCH


def test_encoding_legacy_detected_when_confident() -> None:
    assert decode_document(FRENCH.encode("cp1252"), "f.txt") == FRENCH


def test_encoding_japanese_shift_jis_detected() -> None:
    text = "日本政府は米国の大統領選挙を注視している。岸田首相は記者会見で述べた。" * 3
    assert decode_document(text.encode("shift_jis"), "j.txt") == text


def test_encoding_undetectable_is_refused_with_advice() -> None:
    with pytest.raises(UndecodableError, match=r"short\.txt is not valid UTF-8.*convert it to UTF-8"):
        decode_document("café".encode("latin-1"), "short.txt")


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(0, 32)) * 50])
def test_encoding_binary(data: bytes) -> None:
    assert looks_binary(data)
    with pytest.raises(UndecodableError, match="binary file"):
        decode_document(data, "x.bin")


def test_encoding_stream_escapes_bad_bytes_per_line() -> None:
    # the first 64 KB are valid UTF-8, so the stream is UTF-8 and one bad byte spoils one line only
    head = b"good line\n" * 8000
    with open_text_stream(io.BytesIO(head + b"bad \xff line\nagain good\n"), "s.jsonl") as stream:
        lines = stream.readlines()
    assert [has_bad_bytes(line) for line in lines[-3:]] == [False, True, False]
