"""JSONL and CSV corpora: metadata flows into articles; a bad record is a Failure in place."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from pathlib import Path

import pytest

from claimscope.errors import InputError
from claimscope.ingest.jsonl_csv import FieldMap, read_csv, read_jsonl
from claimscope.ingest.text import content_id
from claimscope.model import Article, Failure
from tests.conftest import shared

BODY = (
    "Rebel groups said on Tuesday that government aircraft struck a market in the town. "
    "The ministry denied the report and said its forces had targeted a weapons depot."
)
BODY2 = (
    "Aid agencies warned that supplies were running low across the province. "
    "A spokesman for the agency said convoys had been blocked at the border for a week."
)


def _articles(items: list[Article | Failure]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def _failures(items: list[Article | Failure]) -> list[Failure]:
    return [i for i in items if isinstance(i, Failure)]


# --- FieldMap ---------------------------------------------------------------------------------


def test_fieldmap_parse() -> None:
    fm = FieldMap.parse("text=article_content, title=article_title,id=unit_id,published=date")
    assert fm.text == "article_content"
    assert fm.title == "article_title"
    assert fm.id == "unit_id"
    assert fm.published == "date"
    assert fm.outlet == "outlet"  # not named: default kept
    assert FieldMap.parse("") == FieldMap()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("body=content", "unknown field 'body'"),
        ("text", "is not FIELD=COLUMN"),
        ("text=", "no column given"),
        ("text=a,text=b", "given twice"),
    ],
)
def test_fieldmap_parse_refuses(spec: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        FieldMap.parse(spec)


# --- JSONL ------------------------------------------------------------------------------------


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_jsonl_metadata_flows_into_articles(tmp_path: Path) -> None:
    record = {
        "id": 17,
        "title": "Market struck in northern town",
        "text": BODY,
        "outlet": "Example News",
        "url": "https://example.org/a/17",
        "published": "2018-03-04T10:00:00Z",
        "author": ["Jane Roe", "John Doe"],
    }
    path = _write_jsonl(tmp_path / "c.jsonl", [json.dumps(record)])
    (article,) = list(read_jsonl(path))
    assert isinstance(article, Article)
    assert article.id == "17"
    assert article.title == "Market struck in northern town"
    assert article.text.startswith("Market struck in northern town\n\n")  # title as headline
    assert article.outlet == "Example News"
    assert article.url == "https://example.org/a/17"
    assert article.published == "2018-03-04"
    assert article.author == "Jane Roe, John Doe"
    assert article.source == f"{path}#line 1"
    assert article.reader == "jsonl"


def test_jsonl_bad_lines_fail_in_place(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "c.jsonl",
        [
            json.dumps({"text": BODY}),
            '{"text": "unterminated',
            "",  # blank: skipped, but still counted as a line
            json.dumps(["not", "an", "object"]),
            json.dumps({"title": "no text here"}),
            json.dumps({"text": "   "}),
            json.dumps({"text": BODY2, "published": "sometime last spring"}),
        ],
    )
    items = list(read_jsonl(path))
    assert [type(i).__name__ for i in items] == [
        "Article",
        "Failure",
        "Failure",
        "Failure",
        "Failure",
        "Article",
    ]
    bad_json, not_object, no_text, empty = _failures(items)
    assert bad_json.source == f"{path}#line 2"
    assert bad_json.reason.startswith("invalid JSON")
    assert not_object.source == f"{path}#line 4"
    assert "not an object" in not_object.reason
    assert no_text.source == f"{path}#line 5"
    assert "'text'" in no_text.reason
    assert "empty text" in empty.reason
    last = _articles(items)[1]
    assert last.source == f"{path}#line 7"
    assert last.published is None
    assert any("sometime last spring" in n for n in last.ingest_notes)


def test_jsonl_field_map_and_nested_keys(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "c.jsonl",
        [json.dumps({"body": BODY, "meta": {"date": "4 March 2018", "site": "Daily"}})],
    )
    fm = FieldMap(text="body", published="meta.date", outlet="meta.site")
    (article,) = list(read_jsonl(path, fm))
    assert isinstance(article, Article)
    assert article.published == "2018-03-04"
    assert article.outlet == "Daily"
    assert article.id == content_id(article.text)  # no id key: the content hash


def test_jsonl_text_as_a_list_of_paragraphs(tmp_path: Path) -> None:
    path = _write_jsonl(tmp_path / "c.jsonl", [json.dumps({"text": [BODY, BODY2]})])
    (article,) = list(read_jsonl(path))
    assert isinstance(article, Article)
    assert article.text == f"{BODY}\n\n{BODY2}"


def test_jsonl_text_over_the_size_limit(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "c.jsonl", [json.dumps({"text": BODY * 20}), json.dumps({"text": BODY})]
    )
    big, small = list(read_jsonl(path, max_bytes=1000))
    assert isinstance(big, Failure)
    assert "over the size limit of 1,000 bytes" in big.reason
    assert isinstance(small, Article)


def test_jsonl_gzip_and_truncated_gzip(tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"a{i}", "text": f"{BODY} Item {i}."}) for i in range(300)]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=1)
    whole = tmp_path / "c.jsonl.gz"
    whole.write_bytes(data)
    items = list(read_jsonl(whole))
    assert len(_articles(items)) == 300
    assert not _failures(items)

    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    items = list(read_jsonl(cut))  # never raises
    articles = _articles(items)
    assert 0 < len(articles) < 300
    assert [a.id for a in articles] == [f"a{i}" for i in range(len(articles))]
    assert isinstance(items[-1], Failure)
    assert items[-1].source == str(cut)
    assert "truncated or corrupt" in items[-1].reason


def test_jsonl_missing_file() -> None:
    with pytest.raises(InputError, match="no such file"):
        read_jsonl("/nonexistent/corpus.jsonl")


# --- CSV --------------------------------------------------------------------------------------


def _write_csv(
    path: Path, rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f, delimiter=delimiter).writerows(rows)
    return path


def test_csv_metadata_flows_into_articles(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "c.csv",
        [
            ["id", "title", "text", "outlet", "published", "url", "author", "extra"],
            [
                "x1",
                "Market struck",
                BODY,
                "Example News",
                "2018-03-04",
                "https://e.org/1",
                "J. Roe",
                "ignored",
            ],
            ["x2", "Aid warning", BODY2, "Other", "not a date", "", "", ""],
        ],
    )
    first, second = list(read_csv(path))
    assert isinstance(first, Article)
    assert isinstance(second, Article)
    assert (first.id, first.title, first.outlet, first.published, first.url, first.author) == (
        "x1",
        "Market struck",
        "Example News",
        "2018-03-04",
        "https://e.org/1",
        "J. Roe",
    )
    assert first.source == f"{path}#row 1"
    assert first.reader == "csv"
    assert second.source == f"{path}#row 2"
    assert second.published is None
    assert second.url is None  # empty cells are None, not ""
    assert any("'not a date'" in n for n in second.ingest_notes)


def test_csv_optional_columns_absent_and_id_is_content_hash(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", [["text"], [BODY]])
    (article,) = list(read_csv(path))
    assert isinstance(article, Article)
    assert article.id == content_id(article.text)
    assert article.title is None and article.outlet is None and article.published is None


def test_csv_missing_text_column_is_an_input_error(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", [["unit_id", "article_content"], ["1", BODY]])
    with pytest.raises(InputError) as e:
        list(read_csv(path))
    message = str(e.value)
    assert "'unit_id', 'article_content'" in message
    assert "--fields text=COLUMN" in message


def test_csv_explicitly_mapped_column_must_exist(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", [["text", "source"], [BODY, "x"]])
    with pytest.raises(InputError, match="no column 'sourse' for the article outlet"):
        list(read_csv(path, FieldMap(outlet="sourse")))


def test_csv_empty_text_row_fails_and_others_are_read(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "c.csv",
        [["id", "text"], ["1", BODY], ["2", "  "], [], ["3", BODY2]],
    )
    items = list(read_csv(path))
    assert [type(i).__name__ for i in items] == ["Article", "Failure", "Article"]
    failure = items[1]
    assert isinstance(failure, Failure)
    assert failure.source == f"{path}#row 2"
    assert "empty text in column 'text'" in failure.reason
    assert [a.id for a in _articles(items)] == ["1", "3"]


def test_csv_cp1252_is_decoded_and_noted(tmp_path: Path) -> None:
    text = (
        "Le ministre a déclaré à la presse que « la situation était sous contrôle » et que "
        "l’armée avait reçu l’ordre de se retirer. Les habitants de la région ont réfuté "
        "ces déclarations, affirmant que les frappes s’étaient poursuivies toute la nuit."
    )
    path = _write_csv(
        tmp_path / "c.csv",
        [["id", "title", "text"], ["1", "Déclaration du ministère", text]],
        encoding="cp1252",
    )
    (article,) = list(read_csv(path))
    assert isinstance(article, Article)
    assert article.title == "Déclaration du ministère"
    assert "l’armée" in article.text and "« la situation" in article.text
    assert "déclaré à la presse" in article.text  # cp1252, not its look-alike cp1250
    assert any("not valid UTF-8" in n for n in article.ingest_notes)


def test_csv_utf16_with_bom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("claimscope.ingest.jsonl_csv._HEAD_BYTES", 64)  # a head shorter than it
    path = _write_csv(
        tmp_path / "c.csv",
        [["id", "text"], ["1", BODY], ["2", "Déjà vu. " + BODY2]],
        encoding="utf-16",
    )
    first, second = list(read_csv(path))
    assert isinstance(first, Article) and first.id == "1"
    assert isinstance(second, Article) and second.text.startswith("Déjà vu.")


def test_csv_one_undecodable_line_falls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The encoding is chosen on the file's head; a bad line past it must not end the stream.
    monkeypatch.setattr("claimscope.ingest.jsonl_csv._HEAD_BYTES", 64)
    path = tmp_path / "c.csv"
    path.write_bytes(
        b"id,text\n1," + BODY.encode() + b"\n2,Caf\xe9 owners said the " + BODY2.encode() + b"\n"
    )
    first, second = list(read_csv(path))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert "Café owners" in second.text
    assert any("decoded as cp1252" in n for n in second.ingest_notes)
    assert not any("cp1252" in n for n in first.ingest_notes)


def test_csv_tsv_and_semicolons(tmp_path: Path) -> None:
    tsv = _write_csv(tmp_path / "c.tsv", [["id", "text"], ["1", BODY]], delimiter="\t")
    (a,) = list(read_csv(tsv))
    assert isinstance(a, Article) and a.id == "1"
    semi = _write_csv(tmp_path / "c.csv", [["id", "text"], ["1", BODY]], delimiter=";")
    (b,) = list(read_csv(semi))
    assert isinstance(b, Article) and b.text.endswith("depot.")


def test_csv_huge_field(tmp_path: Path) -> None:
    long_text = " ".join([BODY] * 2000)  # ~330 kB: past csv's default field limit of 128 kB
    path = _write_csv(tmp_path / "c.csv", [["text"], [long_text]])
    (article,) = list(read_csv(path))
    assert isinstance(article, Article)
    assert len(article.text) == len(long_text)


def test_csv_duplicate_ids_are_noted(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "c.csv", [["id", "text"], ["7", BODY], ["7", BODY2]])
    first, second = _articles(list(read_csv(path)))
    assert not any("also the id" in n for n in first.ingest_notes)
    assert "id '7' is also the id of row 1" in second.ingest_notes


def test_csv_not_text_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(InputError, match="not text"):
        read_csv(path)


# --- the real FA-KES corpus ---------------------------------------------------------------------

FAKES = FieldMap.parse(
    "id=unit_id,title=article_title,text=article_content,outlet=source,published=date"
)


def test_fa_kes_reads_every_row() -> None:
    path = shared("data/fa-kes/FA-KES-Dataset.csv")
    items = list(read_csv(path, FAKES))
    assert len(items) == 804
    assert not _failures(items), _failures(items)[:3]
    articles = _articles(items)
    first = articles[0]
    assert first.id == "1914947530"
    assert first.title == "Syria attack symptoms consistent with nerve agent use WHO"
    assert first.outlet == "nna"
    assert first.published == "2017-04-05"  # the date column is M/D/YYYY
    assert first.source == f"{path}#row 1"
    assert all(a.published for a in articles)  # every date parsed
    # The file is UTF-8 but some rows already lost characters upstream: the reader says so.
    assert any("U+FFFD" in n for a in articles for n in a.ingest_notes)
    # unit_id repeats (792 distinct ids for 804 rows): repeats are noted, never dropped.
    repeats = Counter(a.id for a in articles)
    assert len(repeats) == 792
    noted = [a for a in articles if any("is also the id of" in n for n in a.ingest_notes)]
    assert len(noted) == 804 - 792
