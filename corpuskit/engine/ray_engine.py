"""The Ray engine: the same passes on a Ray cluster (``pip install 'corpuskit[ray]'``).

What runs where:

* **per-part passes** (fit, validate and sign, annotate and write): one Ray task per
  part; the pass's context is put in the object store once and shared by every task;
* **candidate pairs** of the link pass: the LSH band keys of every part are read as a
  Ray Data dataset, exploded to ``(band, key, row)`` rows and shuffled by band across
  the cluster; each band is paired in one vectorised group (sorted by key), and the
  driver merges the bands' pairs;
* **the rest of the link pass** (verifying candidates against signatures, connected
  components, the keep rule) runs on the driver over keys only. Its memory is bounded
  by the keys, not the text: per document about 40 bytes of key columns, plus 16 bytes
  per verified pair for the components.

Every worker reads and writes the run's work folder, so on a cluster of several
machines the inputs and ``--out`` must be on a file system every node mounts (NFS,
Lustre, a cloud file store). The output is the same as the local engine's for the same
input: parts are numbered by input batch, rows by their position in the input, and
results are gathered in part order.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from corpuskit.engine.local import Task
from corpuskit.errors import ConfigError

log = logging.getLogger(__name__)


def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "the Ray engine needs Ray, which is not installed",
            hint="pip install 'corpuskit[ray]' (or run without --engine ray)",
        ) from None
    return ray


def _run(task: Task, context: Any, item: Any) -> Any:
    return task(context, item)


class RayEngine:
    """Runs tasks as Ray tasks on the cluster at ``address`` (default: a local Ray with
    ``workers`` CPUs, 0 meaning every core)."""

    name = "ray"

    def __init__(self, workers: int = 0, address: str | None = None) -> None:
        ray = _ray()
        if not ray.is_initialized():
            options: dict[str, Any] = {
                "include_dashboard": False,
                "logging_level": logging.WARNING,
                "log_to_driver": False,
            }
            if address:
                options["address"] = address
            elif workers > 0:
                options["num_cpus"] = workers
            try:
                ray.init(**options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(
                    f"cannot start or join Ray ({exc})",
                    hint="check --ray-address, or run `ray start --head` on the head node",
                ) from None
        self._remote = ray.remote(num_cpus=1)(_run)
        self._cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False
        for name in ("ray", "ray.data"):
            logging.getLogger(name).setLevel(logging.WARNING)

    @contextlib.contextmanager
    def started_for(self, _context: Any) -> Iterator[None]:
        """Nothing to start ahead: Ray's workers stay up from one pass to the next."""
        yield

    def map(
        self,
        task: Task,
        items: Iterable[Any],
        context: Any,
        *,
        progress: Callable[[Any, Any], None] | None = None,
    ) -> Iterator[Any]:
        """``task(context, item)`` for every item as Ray tasks, yielded in item order
        (each item of a stream is submitted as soon as it is drawn)."""
        ray = _ray()
        shared = ray.put(context)
        submitted: deque[tuple[Any, Any]] = deque()
        try:
            for item in items:
                submitted.append((item, self._remote.remote(task, shared, item)))
            while submitted:  # each result let go once yielded, not held to the end
                item, ref = submitted.popleft()
                result = ray.get(ref)
                if progress:
                    progress(item, result)
                yield result
        except BaseException:
            for _item, ref in submitted:
                ray.cancel(ref, force=True)
            raise

    def band_pairs(self, parts: Sequence[Path], bands: int) -> np.ndarray:
        """Candidate pairs ``(a, b)``, ``a < b``, of the documents of the keys ``parts``
        whose band keys agree in at least one band (band keys are null for documents that
        are not matched by MinHash).

        A Ray Data shuffle by band: each task reads keys parts and emits ``(band, key,
        row)`` rows; each band's rows are then paired in one vectorised group (sorted by
        key, buckets expanded by size, exactly as the local engine pairs a band), and the
        driver merges the bands' pair codes. A band's group holds its documents' keys,
        16 bytes a document (1.6 GB at 100M documents)."""
        ray = _ray()
        import pyarrow as pa
        import pyarrow.parquet as pq

        from corpuskit.dedup.lsh import MAX_BUCKET, band_pair_codes, pairs_of_codes, union_of_codes
        from corpuskit.dedup.sign import ROW, band_column

        columns = [ROW, *(band_column(b) for b in range(bands))]

        def explode(batch: pa.Table) -> pa.Table:
            row = batch.column(ROW).to_numpy()
            out_band, out_key, out_row = [], [], []
            for band in range(bands):
                keys = batch.column(band_column(band))
                valid = keys.is_valid().to_numpy(zero_copy_only=False)
                out_band.append(np.full(int(valid.sum()), band, dtype=np.int32))
                out_key.append(keys.drop_null().to_numpy())
                out_row.append(row[valid])
            return pa.table(
                {
                    "band": np.concatenate(out_band),
                    "key": np.concatenate(out_key),
                    "row": np.concatenate(out_row),
                }
            )

        def band_codes(group: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
            rows = group["row"].astype(np.int64)
            if rows.size < 2:
                return {"code": np.empty(0, dtype=np.uint64)}
            return {"code": union_of_codes([band_pair_codes(rows, group["key"], MAX_BUCKET)])}

        def read_and_explode(batch: dict[str, np.ndarray]) -> pa.Table:
            tables = [pq.read_table(str(path), columns=columns) for path in batch["path"]]
            return explode(pa.concat_tables(tables))

        # Each task reads its own keys parts: Ray Data's path listing is not needed for
        # files the driver has just written, and it would import optional fsspec modules.
        dataset = (
            ray.data.from_items([{"path": str(Path(p).absolute())} for p in parts])
            .map_batches(read_and_explode, batch_size=1, batch_format="numpy")
            .groupby("band", num_partitions=min(bands, 2 * self._cpus))
            .map_groups(band_codes, batch_format="numpy")
        )
        batches = dataset.iter_batches(batch_format="numpy", batch_size=None)
        return pairs_of_codes(union_of_codes(batch["code"] for batch in batches))
