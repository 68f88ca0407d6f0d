"""Top k per row of a sparse score matrix, vectorised: no Python loop over rows or pairs."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Scores are first bucketed relative to their row's best; only the buckets that can hold a
# row's k best are sorted exactly, so the cost stays linear in the number of candidates.
_BUCKETS = 64

IntArray = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float32]


def top_k(
    indptr: npt.NDArray[np.integer],
    cols: IntArray,
    values: FloatArray,
    k: int,
    *,
    floor: float = 0.0,
) -> tuple[IntArray, IntArray, FloatArray]:
    """The `k` best (row, col, value) of each row of a CSR matrix, by row, best first.

    Ties go to the lower column; values below `floor` (and zeros) are never returned.
    """
    empty = np.empty(0, dtype=np.int32)
    n_rows = indptr.size - 1
    if not values.size or k <= 0 or n_rows <= 0:
        return empty, empty.copy(), np.empty(0, dtype=np.float32)
    counts = np.diff(indptr)
    filled = counts > 0
    best = np.zeros(n_rows, dtype=np.float32)
    best[filled] = np.maximum.reduceat(values, indptr[:-1][filled])
    scale = np.zeros(n_rows, dtype=np.float32)
    positive = best > 0
    scale[positive] = (_BUCKETS - 1e-3) / best[positive]
    offsets = np.arange(n_rows, dtype=np.int32) * _BUCKETS
    keys = (values * np.repeat(scale, counts)).astype(np.int32)
    keys += np.repeat(offsets, counts)
    histogram = np.bincount(keys, minlength=n_rows * _BUCKETS).reshape(n_rows, _BUCKETS)
    from_top = np.cumsum(histogram[:, ::-1], axis=1)
    enough = from_top >= k
    threshold = np.where(enough[:, -1], _BUCKETS - 1 - np.argmax(enough, axis=1), 0)
    kept = np.flatnonzero(keys >= np.repeat(offsets + threshold.astype(np.int32), counts))
    values = values[kept]
    good = values >= max(floor, float(np.finfo(np.float32).tiny))
    kept, values = kept[good], values[good]
    rows = (np.searchsorted(indptr, kept, side="right") - 1).astype(np.int32)
    return top_k_rows(rows, cols[kept].astype(np.int32), values, k)


def top_k_rows(
    rows: IntArray, cols: IntArray, values: FloatArray, k: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """The `k` best of each row of a short (row, col, value) list: sorts it whole."""
    order = np.lexsort((cols, -values, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    first = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(rows.size) - first < k) & (values > 0)
    return rows[keep], cols[keep], values[keep]
