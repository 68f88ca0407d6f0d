"""The workspace's relationship graph: warm paths, who a person knows, and neighbourhoods.

People are nodes and ties undirected edges weighted by strength (0..100). A path's reliability
is the product of its strengths / 100, so the most reliable path is the shortest one on
-log(strength / 100); strengths below a floor count as the floor, so that a tie nobody has
scored yet is a weak link rather than no link at all.

Adjacency is CSR (row pointers, neighbour indices, strengths stored as hundredths in uint16),
built with one sort of packed 64-bit keys. Queries never walk the whole graph: warm paths are
at most three hops, so they meet in the middle (one hop out of the sources, one hop out of
the targets, and one edge between the two frontiers), all in numpy over CSR slices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

STRENGTH_FLOOR = 1.0
MAX_HOPS = 3
# Strengths are kept to the hundredth: 0..10000 fits 14 bits of a packed sort key.
_SCALE = 100
_STRENGTH_BITS = 14
_MAX_NODE_BITS = (64 - _STRENGTH_BITS) // 2
# A quality of 10000 is a reliability of 1.
_UNIT = float(_SCALE * 100)

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class WarmPath:
    """People from a source (whom to ask first) to a target, with each tie's strength."""

    nodes: tuple[int, ...]
    strengths: tuple[float, ...]
    reliability: float

    @property
    def hops(self) -> int:
        return len(self.strengths)


@dataclass(frozen=True, slots=True)
class Contact:
    """Someone a person knows (directly or through one more person), and how reliably."""

    node: int
    reliability: float
    path: WarmPath


@dataclass(frozen=True, slots=True)
class NeighbourhoodNode:
    node: int
    hops: int
    reliability: float


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    """An ego network for the graph view: nodes strongest first, edges among them as (u, v, s).

    `truncated` says that more people were in reach than `max_nodes` allowed.
    """

    center: int
    nodes: tuple[NeighbourhoodNode, ...]
    edges: tuple[tuple[int, int, float], ...]
    truncated: bool


class Graph:
    """An undirected graph in CSR form over internal indices 0..n-1.

    `ids` maps internal indices to the caller's ids (sorted); every query takes and returns
    the caller's ids. Parallel edges (one tie per kind between the same two people) keep the
    strongest; self-loops are dropped.
    """

    __slots__ = ("ids", "indptr", "neighbours", "quality")

    def __init__(
        self,
        ids: Ids,
        indptr: npt.NDArray[np.int64],
        neighbours: npt.NDArray[np.int32],
        quality: npt.NDArray[np.uint16],
    ) -> None:
        self.ids = ids
        self.indptr = indptr
        self.neighbours = neighbours
        # Strength in hundredths (0..10000), i.e. reliability in units of 1/10000.
        self.quality = quality

    @classmethod
    def from_ties(
        cls,
        a: npt.ArrayLike,
        b: npt.ArrayLike,
        strength: npt.ArrayLike,
        *,
        node_ids: npt.ArrayLike | None = None,
        floor: float = STRENGTH_FLOOR,
    ) -> Graph:
        """Build from parallel arrays of tie ends and strengths (0..100, NaN = not scored).

        `node_ids` lists every person (including those without ties); by default the nodes
        are the people the ties mention. Ties naming an unknown id are an error.
        """
        if not 0 < floor <= 100:
            raise ValueError("floor must be in (0, 100]")
        left = np.asarray(a, dtype=np.int64).ravel()
        right = np.asarray(b, dtype=np.int64).ravel()
        values = np.asarray(strength, dtype=np.float64).ravel()
        if not left.size == right.size == values.size:
            raise ValueError("tie arrays must be of equal length")
        if node_ids is None:
            ids = np.unique(np.concatenate([left, right]))
        else:
            ids = np.unique(np.asarray(node_ids, dtype=np.int64))
        n = int(ids.size)
        bits = max(1, (n - 1).bit_length())
        if bits > _MAX_NODE_BITS:
            raise ValueError(f"a graph holds at most {2**_MAX_NODE_BITS} people")
        left, right = _index(ids, left), _index(ids, right)
        distinct = left != right
        left, right, values = left[distinct], right[distinct], values[distinct]
        values = np.clip(np.nan_to_num(values, nan=floor), floor, 100.0)
        quality = np.rint(values * _SCALE).astype(np.uint64)

        # One packed key per direction: (from, to, strength). Sorting puts each row's
        # neighbours in order and, for parallel edges, the strongest last.
        shift = np.uint64(bits + _STRENGTH_BITS)
        packed = np.concatenate(
            [
                (left.astype(np.uint64) << shift)
                | (right.astype(np.uint64) << np.uint64(_STRENGTH_BITS))
                | quality,
                (right.astype(np.uint64) << shift)
                | (left.astype(np.uint64) << np.uint64(_STRENGTH_BITS))
                | quality,
            ]
        )
        del left, right, quality
        packed.sort()
        pair = packed >> np.uint64(_STRENGTH_BITS)
        last = np.ones(packed.size, dtype=bool)
        np.not_equal(pair[1:], pair[:-1], out=last[:-1])
        del pair
        packed = packed[last]
        rows = (packed >> shift).astype(np.int64)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        del rows
        node_mask = np.uint64((1 << bits) - 1)
        neighbours = ((packed >> np.uint64(_STRENGTH_BITS)) & node_mask).astype(np.int32)
        kept = (packed & np.uint64((1 << _STRENGTH_BITS) - 1)).astype(np.uint16)
        return cls(ids, indptr, neighbours, kept)

    @property
    def node_count(self) -> int:
        return int(self.ids.size)

    @property
    def edge_count(self) -> int:
        """Undirected edges (each stored once per direction)."""
        return int(self.neighbours.size // 2)

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in (self.ids, self.indptr, self.neighbours, self.quality))

    def mask(self, ids: Iterable[int]) -> npt.NDArray[np.bool_]:
        """A boolean mask over the nodes marking `ids` (ids not in the graph are ignored)."""
        result = np.zeros(self.node_count, dtype=bool)
        result[self._known(ids)] = True
        return result

    def strength(self, a: int, b: int) -> float | None:
        """The strength of the tie between two people, or None when they have none."""
        found = self._known([a, b])
        if found.size < 2:
            return None
        quality = self._quality(int(found[0]), int(found[1]))
        return None if quality is None else quality / _SCALE

    def warm_paths(
        self,
        sources: Iterable[int],
        targets: Iterable[int],
        *,
        k: int = 5,
        max_hops: int = MAX_HOPS,
    ) -> list[WarmPath]:
        """The `k` most reliable simple paths from any source to any target, best first.

        Sources are the user and teammates; targets one person or all of an organisation's
        people. A path starts at the last source and stops at the first target it meets (a
        teammate in the middle would rather be asked directly), so its inner people are
        neither. Ties in reliability go to the shorter path, then to the lower ids.
        """
        if not 1 <= max_hops <= MAX_HOPS:
            raise ValueError(f"max_hops must be 1..{MAX_HOPS}")
        starts = self._known(sources)
        ends = np.setdiff1d(self._known(targets), starts, assume_unique=True)
        if k <= 0 or not starts.size or not ends.size:
            return []
        owner, ahead, q_ahead = self._expand(starts)
        from_source = starts[owner]
        direct = _member(ahead, ends)
        found = _direct_paths(from_source[direct], ahead[direct], q_ahead[direct], k)
        if max_hops >= 2:
            either = np.union1d(starts, ends)
            inner = ~_member(ahead, either)
            forward = _Frontier.of(ahead[inner], from_source[inner], q_ahead[inner], k)
            owner, behind, q_behind = self._expand(ends)
            inner = ~_member(behind, either)
            backward = _Frontier.of(behind[inner], ends[owner[inner]], q_behind[inner], k)
            found += _two_hop_paths(forward, backward, k)
            if max_hops == 3:
                found += self._three_hop_paths(forward, backward, k)
        found.sort(key=lambda path: (-path[0], len(path[1]), path[1]))
        return [self._warm_path(path) for path in found[:k]]

    def who_they_know(
        self,
        person: int,
        *,
        known: Iterable[int] = (),
        k: int = 20,
        max_hops: int = 2,
        mask: npt.NDArray[np.bool_] | None = None,
    ) -> list[Contact]:
        """People `person` can introduce: within `max_hops` (1 or 2), most reliable first.

        Leaves out `known` (the user, or the whole team) and everyone tied to them already;
        `mask` (from `Graph.mask`, e.g. people with open offers) keeps only the people it
        marks. Each person comes with the best route to them (direct before indirect on equal
        reliability); equal reliabilities go to the lower id.
        """
        if max_hops not in (1, 2):
            raise ValueError("max_hops must be 1 or 2")
        found = self._known([person])
        if k <= 0 or not found.size:
            return []
        _, first, q_first = self._expand(found)
        nodes = first
        via = np.full(first.size, -1, dtype=np.int64)
        q_via = np.zeros(first.size, dtype=np.int64)
        q_last = q_first
        if max_hops == 2:
            owner, second, q_second = self._expand(first)
            nodes = np.concatenate([first, second])
            via = np.concatenate([via, first[owner]])
            q_via = np.concatenate([q_via, q_first[owner]])
            q_last = np.concatenate([q_first, q_second])
        reliability = np.where(via < 0, 1.0, q_via / _UNIT) * (q_last / _UNIT)
        excluded = self._known(known)
        if excluded.size:
            excluded = np.union1d(excluded, self._expand(excluded)[1])
        keep = ~_member(nodes, np.union1d(excluded, found))
        if mask is not None:
            keep &= mask[nodes]
        order = np.flatnonzero(keep)
        # The best route to each person: most reliable, then direct, then via the lowest id.
        order = order[np.lexsort((via[order], via[order] >= 0, -reliability[order], nodes[order]))]
        order = order[_firsts(nodes[order])]
        order = order[np.lexsort((nodes[order], -reliability[order]))][:k]
        contacts = []
        for node, through, quality_via, quality in zip(
            nodes[order].tolist(),
            via[order].tolist(),
            q_via[order].tolist(),
            q_last[order].tolist(),
            strict=True,
        ):
            origin = int(found[0])
            if through < 0:
                path = self._warm_path(_path((origin, node), (quality,)))
            else:
                path = self._warm_path(_path((origin, through, node), (quality_via, quality)))
            contacts.append(
                Contact(node=int(self.ids[node]), reliability=path.reliability, path=path)
            )
        return contacts

    def neighbourhood(self, center: int, *, hops: int = 2, max_nodes: int = 50) -> Neighbourhood:
        """The ego network of `center` for the graph view, at most `max_nodes` people.

        Direct ties come first, strongest first; people two hops away fill the room left,
        most reliable first (two-hop people are only added when every direct tie fits).
        Equal strengths go to the lower id. Edges are every tie among the chosen people.
        """
        if hops not in (1, 2) or max_nodes < 1:
            raise ValueError("hops must be 1 or 2 and max_nodes at least 1")
        found = self._known([center])
        if not found.size:
            return Neighbourhood(center=center, nodes=(), edges=(), truncated=False)
        room = max_nodes - 1
        _, first, q_first = self._expand(found)
        order = np.lexsort((first, -q_first))[:room]
        truncated = first.size > room
        members = [found, first[order]]
        levels = [np.zeros(1, dtype=np.int64), np.ones(order.size, dtype=np.int64)]
        reliability = [np.ones(1), q_first[order] / _UNIT]
        room -= order.size
        if hops == 2 and not truncated and room > 0:
            owner, second, q_second = self._expand(first)
            through = (q_first[owner] / _UNIT) * (q_second / _UNIT)
            keep = np.flatnonzero(~_member(second, np.union1d(first, found)))
            keep = keep[np.lexsort((-through[keep], second[keep]))]
            keep = keep[_firsts(second[keep])]
            truncated = keep.size > room
            keep = keep[np.lexsort((second[keep], -through[keep]))][:room]
            members.append(second[keep])
            levels.append(np.full(keep.size, 2, dtype=np.int64))
            reliability.append(through[keep])
        chosen = np.concatenate(members)
        nodes = tuple(
            NeighbourhoodNode(node=int(self.ids[node]), hops=level, reliability=value)
            for node, level, value in zip(
                chosen.tolist(),
                np.concatenate(levels).tolist(),
                np.concatenate(reliability).tolist(),
                strict=True,
            )
        )
        ordered = np.sort(chosen)
        owner, other, quality = self._expand(ordered)
        mine = ordered[owner]
        inside = (mine < other) & _member(other, ordered)
        edges = tuple(
            (int(self.ids[u]), int(self.ids[v]), q / _SCALE)
            for u, v, q in zip(
                mine[inside].tolist(), other[inside].tolist(), quality[inside].tolist(), strict=True
            )
        )
        return Neighbourhood(center=center, nodes=nodes, edges=edges, truncated=truncated)

    def _known(self, ids: Iterable[int]) -> Ids:
        """Internal indices of the ids present in the graph, sorted and without repeats."""
        wanted = np.unique(np.fromiter(ids, dtype=np.int64))
        if not self.ids.size or not wanted.size:
            return np.empty(0, dtype=np.int64)
        position = np.minimum(np.searchsorted(self.ids, wanted), self.ids.size - 1)
        return np.asarray(position[self.ids[position] == wanted], dtype=np.int64)

    def _expand(self, nodes: Ids) -> tuple[Ids, Ids, Ids]:
        """Every edge out of `nodes`: (position in `nodes`, neighbour, quality)."""
        starts = self.indptr[nodes]
        counts = self.indptr[nodes + 1] - starts
        owner = np.repeat(np.arange(nodes.size, dtype=np.int64), counts)
        # A running index, shifted slice by slice onto each row's start.
        offsets = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(
            starts - (np.cumsum(counts) - counts), counts
        )
        return (
            owner,
            self.neighbours[offsets].astype(np.int64),
            self.quality[offsets].astype(np.int64),
        )

    def _quality(self, u: int, v: int) -> int | None:
        start, end = int(self.indptr[u]), int(self.indptr[u + 1])
        position = start + int(np.searchsorted(self.neighbours[start:end], v))
        if position < end and self.neighbours[position] == v:
            return int(self.quality[position])
        return None

    def _degree_sum(self, nodes: Ids) -> int:
        return int((self.indptr[nodes + 1] - self.indptr[nodes]).sum())

    def _three_hop_paths(self, forward: _Frontier, backward: _Frontier, k: int) -> list[_Found]:
        ahead, behind = forward.nodes, backward.nodes
        if not ahead.size or not behind.size:
            return []
        # The middle edge is walked out of whichever frontier has fewer edges.
        if self._degree_sum(ahead) <= self._degree_sum(behind):
            owner, other, q_middle = self._expand(ahead)
            hit = _member(other, behind)
            x, y = ahead[owner[hit]], other[hit]
        else:
            owner, other, q_middle = self._expand(behind)
            hit = _member(other, ahead)
            x, y = other[hit], behind[owner[hit]]
        q_middle = q_middle[hit]
        if not x.size:
            return []
        fx, by = forward.best(x), backward.best(y)
        value = (forward.quality[fx] / _UNIT) * (q_middle / _UNIT) * (backward.quality[by] / _UNIT)
        best = np.lexsort((backward.other[by], y, x, forward.other[fx], -value))[:k]
        found: list[_Found] = []
        for middle_x, middle_y, quality in zip(
            x[best].tolist(), y[best].tolist(), q_middle[best].tolist(), strict=True
        ):
            for source, q_source in forward.group(middle_x):
                for target, q_target in backward.group(middle_y):
                    found.append(
                        _path((source, middle_x, middle_y, target), (q_source, quality, q_target))
                    )
        return found

    def _warm_path(self, found: _Found) -> WarmPath:
        reliability, nodes, quality = found
        return WarmPath(
            nodes=tuple(int(self.ids[node]) for node in nodes),
            strengths=tuple(value / _SCALE for value in quality),
            reliability=reliability,
        )


# A path found by a query: (reliability, internal nodes, qualities of its edges).
_Found = tuple[float, tuple[int, ...], tuple[int, ...]]


def _path(nodes: tuple[int, ...], quality: tuple[int, ...]) -> _Found:
    # Multiplied in path order, exactly as the vectorised ranking does.
    reliability = quality[0] / _UNIT
    for value in quality[1:]:
        reliability *= value / _UNIT
    return reliability, nodes, quality


@dataclass(frozen=True, slots=True)
class _Frontier:
    """One hop out of the sources (or the targets): rows of (inner node, end, quality).

    Rows are grouped by inner node, best first, and keep each node's `k` best ends only: a
    path through a node with a worse end cannot make the top `k`.
    """

    nodes: Ids
    starts: Ids
    other: Ids
    quality: Ids

    @classmethod
    def of(cls, inner: Ids, other: Ids, quality: Ids, k: int) -> _Frontier:
        order = np.lexsort((other, -quality, inner))
        inner, other, quality = inner[order], other[order], quality[order]
        new = _firsts(inner)
        starts = np.flatnonzero(new)
        rank = np.arange(inner.size) - np.repeat(starts, np.diff(np.append(starts, inner.size)))
        keep = rank < k
        inner, other, quality, new = inner[keep], other[keep], quality[keep], new[keep]
        return cls(nodes=inner[new], starts=np.flatnonzero(new), other=other, quality=quality)

    def best(self, nodes: Ids) -> Ids:
        """The row of the best end of each of `nodes` (all of them in the frontier)."""
        return self.starts[np.searchsorted(self.nodes, nodes)]

    def group(self, node: int) -> list[tuple[int, int]]:
        """The (end, quality) rows kept for `node`, best first."""
        where = int(np.searchsorted(self.nodes, node))
        start = int(self.starts[where])
        end = int(self.starts[where + 1]) if where + 1 < self.starts.size else self.other.size
        return list(
            zip(self.other[start:end].tolist(), self.quality[start:end].tolist(), strict=True)
        )


def _direct_paths(source: Ids, target: Ids, quality: Ids, k: int) -> list[_Found]:
    best = np.lexsort((target, source, -quality))[:k]
    return [
        _path((s, t), (q,))
        for s, t, q in zip(
            source[best].tolist(), target[best].tolist(), quality[best].tolist(), strict=True
        )
    ]


def _two_hop_paths(forward: _Frontier, backward: _Frontier, k: int) -> list[_Found]:
    middle = np.intersect1d(forward.nodes, backward.nodes, assume_unique=True)
    if not middle.size:
        return []
    fx, by = forward.best(middle), backward.best(middle)
    value = (forward.quality[fx] / _UNIT) * (backward.quality[by] / _UNIT)
    best = np.lexsort((backward.other[by], middle, forward.other[fx], -value))[:k]
    return [
        _path((source, node, target), (q_source, q_target))
        for node in middle[best].tolist()
        for source, q_source in forward.group(node)
        for target, q_target in backward.group(node)
    ]


def _firsts(sorted_values: Ids) -> npt.NDArray[np.bool_]:
    """Marks the first of each run of equal values."""
    first = np.ones(sorted_values.size, dtype=bool)
    np.not_equal(sorted_values[1:], sorted_values[:-1], out=first[1:])
    return first


def _member(values: Ids, sorted_set: Ids) -> npt.NDArray[np.bool_]:
    """Which `values` are in `sorted_set` (sorted, distinct): one binary search each."""
    if not sorted_set.size:
        return np.zeros(values.size, dtype=bool)
    position = np.minimum(np.searchsorted(sorted_set, values), sorted_set.size - 1)
    return np.asarray(sorted_set[position] == values)


def _index(ids: Ids, values: Ids) -> Ids:
    """Internal indices of `values` in the sorted, distinct `ids`; all must be there."""
    if not values.size:
        return values
    if not ids.size:
        raise ValueError("ties mention people missing from node_ids")
    low, span = int(ids[0]), int(ids[-1] - ids[0]) + 1
    inside = (values >= ids[0]) & (values <= ids[-1])
    result = np.full(values.size, -1, dtype=np.int64)
    if span <= 4 * ids.size:
        # Database ids are dense enough for a lookup table, far faster than a binary search
        # per value on millions of ties.
        table = np.full(span, -1, dtype=np.int64)
        table[ids - low] = np.arange(ids.size)
        result[inside] = table[values[inside] - low]
    else:
        position = np.searchsorted(ids, values[inside])
        result[inside] = np.where(ids[position] == values[inside], position, -1)
    if (result < 0).any():
        raise ValueError("ties mention people missing from node_ids")
    return result
