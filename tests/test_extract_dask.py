"""Extraction on a Dask cluster: ``postil extract --dask ADDRESS`` and ``extract_partition`` in a
Dask bag, on a real local cluster of two worker processes, give what one process gives."""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
from pathlib import Path

import pytest

from tests.test_extract_parallel import news_article
from tui.cli import main, sample_path
from tui.formats.readers import read_article
from tui.nlp.extract import records_of

needs_dask = pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                                reason="Dask distributed is not installed (pip install '.[cluster]'; the test extra pulls it)")


@pytest.fixture(autouse=True)
def in_a_fresh_folder(tmp_path: Path, monkeypatch) -> None:
    """Run in a folder of the test's own: extract reads ``./annotations.json`` when there is one."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def cluster():
    """A scheduler and two single-threaded worker processes on 127.0.0.1, for this file's tests."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as local:
        yield local


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> list[str]:
    """The sample and four made-up articles, more text than one piece of work holds."""
    folder = tmp_path_factory.mktemp("articles")
    paths = [str(sample_path())]
    for n in range(4):
        path = folder / f"news-{n}.txt"
        path.write_text(news_article(n), encoding="utf-8")
        paths.append(str(path))
    return paths


def extract_output(capsysbinary, *argv: str) -> bytes:
    """Standard output of ``postil extract ARGV``, which must succeed."""
    assert main(["extract", *argv]) == 0
    return capsysbinary.readouterr().out


@needs_dask
def test_dask_prints_the_same_bytes_as_one_process(capsysbinary, cluster, articles):
    for output_format in ("json", "jsonl"):
        one = extract_output(capsysbinary, "--format", output_format, "--quiet", *articles)
        on_cluster = extract_output(capsysbinary, "--format", output_format, "--quiet", "--dask", cluster.scheduler_address, *articles)
        assert on_cluster == one
    assert [json.loads(line)["path"] for line in on_cluster.splitlines()] == articles


@needs_dask
def test_extract_partition_in_a_dask_bag_gives_what_postil_extract_prints(capsysbinary, cluster, articles):
    import dask.bag
    from distributed import Client

    from tui.nlp.cluster import extract_partition

    expected = [json.loads(line) for line in extract_output(capsysbinary, "--format", "jsonl", "--quiet", *articles).splitlines()]
    records = records_of([(path, read_article(Path(path))) for path in articles])
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        results = dask.bag.from_sequence(records, npartitions=2).map_partitions(extract_partition).compute(scheduler=client)
    assert results == expected


@needs_dask
def test_an_unreachable_scheduler_is_a_one_line_error(capsysbinary):
    import dask.config

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{unused.getsockname()[1]}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        assert main(["extract", "--dask", address, str(sample_path())]) == 2
    out, err = capsysbinary.readouterr()
    lines = err.decode().splitlines()
    assert out == b"" and len(lines) == 1 and lines[0].startswith(f"postil extract: {address}: cannot reach the Dask scheduler")


def test_without_dask_installed_dask_is_a_one_line_error_naming_the_extra(capsysbinary, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` finds when it is not installed
    assert main(["extract", "--dask", "tcp://127.0.0.1:8786", str(sample_path())]) == 2
    out, err = capsysbinary.readouterr()
    lines = err.decode().splitlines()
    assert out == b"" and len(lines) == 1 and "pip install 'postil[cluster]'" in lines[0]
