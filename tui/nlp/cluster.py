"""Pre-annotating a corpus on a cluster: ``postil extract --dask ADDRESS`` and the function behind it.

:func:`extract_partition` is the unit of work: a list of article records
(``{"path", "text", "title", "source"}``; only ``text`` is required) in, the suggestions for each
out, as ``postil extract --format jsonl`` prints them. Each worker process loads the model once,
on its first partition. Any engine that maps a function over partitions can run it, e.g.::

    import dask.bag as db
    from tui.nlp.cluster import extract_partition

    records = db.from_sequence([{"path": p, "text": open(p).read()} for p in paths], npartitions=16)
    results = records.map_partitions(extract_partition).compute()

(Spark: ``rdd.mapPartitions(extract_partition)``; Ray: ``ray.remote(extract_partition)``.) The
workers need Postil and its model installed (``pip install 'postil[cluster]'``). Dask itself is
imported only by :func:`extract_on_cluster`.
"""

from __future__ import annotations

from collections.abc import Iterator

from tui.model.labels import Scheme
from tui.nlp.extract import Render, extract_partition
from tui.nlp.parallel import Progress, in_input_order, pieces_of

__all__ = ["ClusterUnavailable", "extract_on_cluster", "extract_partition"]

CLUSTER_EXTRA = "pip install 'postil[cluster]'"


class ClusterUnavailable(RuntimeError):
    """Dask is not installed, or the scheduler cannot be reached; the message says which, in one line."""


def extract_on_cluster(address: str, records: list[dict], gazetteer: list[dict] | None = None, scheme: Scheme | None = None,
                       render: Render | None = None, progress: Progress | None = None) -> Iterator[dict]:
    """The results of ``records``, in input order, worked out by the workers of the Dask
    scheduler at ``address`` (e.g. ``tcp://10.0.0.5:8786``), pieces of consecutive documents
    handed to whichever worker is free; the same as one process gives."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise ClusterUnavailable(f"--dask needs Dask distributed, which is not installed ({CLUSTER_EXTRA})") from None
    try:
        client = Client(address, set_as_default=False)
    except (OSError, ValueError, TypeError) as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise ClusterUnavailable(f"{address}: cannot reach the Dask scheduler ({reason})") from None
    with client:
        pieces = pieces_of(records)
        # The corrections go to every worker once, not with every piece.
        [shared_gazetteer] = client.scatter([gazetteer or []], broadcast=True, hash=False)
        futures = client.map(extract_partition, pieces, gazetteer=shared_gazetteer, scheme=scheme, render=render, pure=False)
        yield from in_input_order(futures, as_completed(futures, loop=client.loop), pieces, progress)
