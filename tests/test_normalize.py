from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimscope.errors import InputError
from claimscope.ingest.normalize import TextBuilder, decode, normalize, read_bytes


def test_utf8_decodes_without_notes() -> None:
    assert decode("Ja’afari said “no”.".encode()) == ("Ja’afari said “no”.", [])


def test_boms_are_honoured() -> None:
    text, notes = decode(codecs.BOM_UTF16_LE + "Idlib, Syria".encode("utf-16-le"))
    assert text == "Idlib, Syria"
    assert notes == ["decoded as utf-16 (BOM)"]
    assert decode(codecs.BOM_UTF8 + b"abc")[0] == "abc"


def test_invalid_utf8_is_detected_and_reported() -> None:
    data = "Le ministre a déclaré que l’armée était prête à répondre. " * 5
    text, notes = decode(data.encode("cp1252"))
    assert "déclaré" in text and "était" in text
    assert notes and "not valid UTF-8" in notes[0]


def test_short_western_text_prefers_windows_1252_to_other_latin_pages() -> None:
    text, _ = decode("Le ministre a déclaré à la presse qu’il était prêt.".encode("cp1252"))
    assert text == "Le ministre a déclaré à la presse qu’il était prêt."
    cyrillic = "Москва заявила, что переговоры провалились и что армия готова ответить."
    assert decode(cyrillic.encode("cp1251"))[0] == cyrillic


@pytest.mark.parametrize(
    "data, what",
    [
        (b"%PDF-1.7\n...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (b"\x1f\x8b\x08\x00abc", "gzip"),
        (b"text\x00with\x00nul\x00bytes", "NUL"),
    ],
)
def test_binary_input_is_refused_with_what_it_looks_like(data: bytes, what: str) -> None:
    with pytest.raises(InputError, match=what):
        decode(data)


@pytest.mark.parametrize("data", [b"", b"   \n\t  "])
def test_empty_input_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="empty"):
        decode(data)


def test_read_bytes_enforces_the_size_cap(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "big.txt"
    p.write_bytes(b"x" * 2000)
    assert len(read_bytes(p, max_bytes=2000)) == 2000
    with pytest.raises(InputError, match="size limit"):
        read_bytes(p, max_bytes=1999)
    with pytest.raises(InputError, match="no such file"):
        read_bytes(tmp_path / "missing.txt")


def test_builder_normalises_and_maps_back() -> None:
    original = "He said\u00a0 ``no''\u200b  today\u00ad."
    b = TextBuilder()
    b.add(original, 0, len(original))
    text = b.text()
    assert text == "He said “no” today."
    m = b.offset_map()
    i = text.index("today")
    j = m.to_original(i)
    assert j is not None and original[j : j + 5] == "today"


def test_nfc_composes_decomposed_accents() -> None:
    assert normalize("Mu\u0308ller") == "Müller"


@given(
    st.text(
        alphabet=st.sampled_from(list("ab \n\t\u00a0\u200b``''\u201e\u00adé\u0301x")), max_size=60
    )
)
def test_identity_segments_always_point_at_the_same_text(original: str) -> None:
    b = TextBuilder()
    b.add(original, 0, len(original))
    text = b.text()
    segs = b.offset_map().segments
    last = 0
    for s in segs:
        assert 0 <= s.start <= s.end <= len(text)
        assert s.orig_start >= last  # monotonic: the map never runs backwards
        last = s.orig_end
        # each segment is the normalisation of the input it points at
        again = TextBuilder()
        again.add(original, s.orig_start, s.orig_end)
        assert again.text() == text[s.start : s.end]
