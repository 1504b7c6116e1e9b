"""Files that are not articles: pipes, devices, binary data, huge files, odd encodings, and
HTML inside Markdown. Each is refused with one line (exit 2) or read as a reader would see it."""

from __future__ import annotations

import codecs
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_cli_input import assert_refused, run_postil
from tui.formats.readers import MEGABYTE, ArticleError, read_article

TEXT = "The council voted on Tuesday.\n\nCritics said the plan ignored residents.\n"


def run_limited(*args: str, cwd: Path, memory_bytes: int = 1 << 30) -> subprocess.CompletedProcess:
    """``postil ARGS`` with its address space capped, so a file read without end fails fast
    instead of filling the machine's memory."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    return subprocess.run([sys.executable, "-m", "tui", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, preexec_fn=cap)


def test_a_named_pipe_is_refused_at_once_not_waited_on(tmp_path):
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    result = run_postil(str(fifo), "--db", str(tmp_path / "db.json"), cwd=tmp_path)
    assert_refused(result, "article.txt", "named pipe")
    assert not (tmp_path / "db.json").exists()


def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_once_open(tmp_path):
    """The kind is checked again on the open file: a regular file at ``stat`` that is a pipe
    when opened (a race) is refused, and opening it does not block."""
    regular = tmp_path / "regular.txt"
    regular.write_text(TEXT, encoding="utf-8")
    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    script = (
        "import os\n"
        "from tui.formats import readers\n"
        f"regular = os.stat({str(regular)!r})\n"
        "readers.os.stat = lambda path, *a, **k: regular  # the check sees a regular file\n"
        "try:\n"
        f"    readers.read_article({str(fifo)!r})\n"
        "except readers.ArticleError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "named pipe" in result.stdout


def test_dev_zero_is_refused_without_reading_it(tmp_path):
    result = run_limited("/dev/zero", "--db", str(tmp_path / "db.json"), cwd=tmp_path)
    assert_refused(result, "/dev/zero", "a device")


def test_a_nul_late_in_the_file_is_binary(tmp_path):
    path = tmp_path / "late.txt"
    path.write_bytes(TEXT.encode() * 2000 + b"\x00" + TEXT.encode())  # the NUL is at about 140 KB
    result = run_postil(str(path), "--db", str(tmp_path / "db.json"), cwd=tmp_path)
    assert_refused(result, "late.txt", "binary")
    assert not (tmp_path / "db.json").exists()


@pytest.mark.parametrize("encoding, bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                           ("utf-32-le", codecs.BOM_UTF32_LE)])
def test_a_byte_order_mark_opens_a_utf16_or_utf32_file_with_the_default_encoding(tmp_path, encoding, bom):
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + "Café in Zürich\r\nsecond line".encode(encoding))
    assert read_article(path).text == "Café in Zürich\nsecond line"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_encoding_utf16_opens_a_file_without_a_byte_order_mark(tmp_path, encoding):
    path = tmp_path / "wide.txt"
    path.write_bytes("Café in Zürich, said the mayor.".encode(encoding))
    assert read_article(path, encoding="utf-16").text == "Café in Zürich, said the mayor."
    assert read_article(path, encoding=encoding).text == "Café in Zürich, said the mayor."


@pytest.mark.parametrize("encoding, data", [("utf-8", codecs.BOM_UTF8 + "Héllo".encode()),
                                            ("utf-16-le", codecs.BOM_UTF16_LE + "Héllo".encode("utf-16-le"))])
def test_a_byte_order_mark_is_not_part_of_the_text(tmp_path, encoding, data):
    path = tmp_path / "marked.txt"
    path.write_bytes(data)
    document = read_article(path, encoding=encoding)
    assert document.text == "Héllo" and document.title == "Héllo"


def test_a_nul_character_in_utf16_text_is_binary(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + ("x" * 20000 + "\x00 end").encode("utf-16-le"))
    with pytest.raises(ArticleError, match="binary"):
        read_article(path)


@pytest.mark.parametrize("encoding", ["rot13", "hex", "unicode_escape", "base64", "raw_unicode_escape", "zlib"])
def test_an_encoding_that_is_not_a_text_encoding_is_a_one_line_error(tmp_path, encoding):
    path = tmp_path / "article.txt"
    path.write_text("Caf\\xe9 48656c6c6f " + TEXT, encoding="utf-8")
    result = run_postil(str(path), "--encoding", encoding, "--db", str(tmp_path / "db.json"), cwd=tmp_path)
    assert_refused(result, "article.txt", "not a text encoding")


def test_a_file_over_max_size_is_refused_and_a_larger_limit_opens_it(tmp_path):
    path = tmp_path / "long.txt"
    path.write_text(("A sentence of the article. " * 40 + "\n") * 1400, encoding="utf-8")  # about 1.5 MB
    result = run_postil(str(path), "--max-size", "1", "--db", str(tmp_path / "db.json"), cwd=tmp_path)
    assert_refused(result, "long.txt", "over the 1 MB limit", "--max-size")
    assert not (tmp_path / "db.json").exists()
    assert len(read_article(path, max_mb=2).text) == path.stat().st_size


def test_the_default_limit_is_50_mb(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(51 * MEGABYTE)  # sparse: nothing is written, and the size alone refuses it
    with pytest.raises(ArticleError, match="over the 50 MB limit"):
        read_article(path)


@pytest.mark.parametrize("value", ["0", "-3", "lots", "nan"])
def test_max_size_must_be_a_positive_number(tmp_path, value):
    path = tmp_path / "article.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = run_postil(str(path), "--max-size", value, cwd=tmp_path)
    assert result.returncode == 2 and "--max-size" in result.stderr and "megabytes" in result.stderr
    assert "Traceback" not in result.stderr


def test_extract_has_the_same_size_limit(tmp_path, capsysbinary):
    from tui.cli import main

    path = tmp_path / "long.txt"
    path.write_text("A sentence of the article. " * 50000, encoding="utf-8")  # about 1.3 MB
    assert main(["extract", "--max-size", "1", str(path)]) == 2
    out, err = capsysbinary.readouterr()
    assert out == b"" and b"over the 1 MB limit" in err and len(err.splitlines()) == 1


def test_html_in_markdown_is_read_as_text_without_scripts_or_styles(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(
        "# Budget &amp; bridges\n\n"
        "<p>The council&#8217;s plan costs &euro;5&nbsp;million, said <b>Ada Obi</b>.</p>\n"
        "<script>\ndocument.title = 'owned';\n\nalert(\"<b>x</b>\");\n</script>\n"
        "<style>body { color: red }</style>\n\n"
        "Read more at <https://example.test/story> or write to <desk@example.test>.\n\n"
        "AT&T and R&D stay as written, and so does `a<b>c` in code; &lt;tags&gt; are text.\n\n"
        "<table><tr><td>Cost</td><td>Year</td></tr></table>\n",
        encoding="utf-8",
    )
    text = read_article(path).text
    assert text.split("\n\n") == [
        "Budget & bridges",
        "The council\u2019s plan costs \u20ac5\u00a0million, said Ada Obi.",
        "Read more at https://example.test/story or write to desk@example.test.",
        "AT&T and R&D stay as written, and so does a<b>c in code; <tags> are text.",
        "Cost Year",
    ]
    assert "owned" not in text and "alert" not in text and "color" not in text


def test_an_unclosed_script_hides_the_rest_but_never_shows_its_code(tmp_path):
    path = tmp_path / "page.md"
    path.write_text("First paragraph.\n\n<script>\nfetch('http://evil.test')\n", encoding="utf-8")
    assert read_article(path).text == "First paragraph."
