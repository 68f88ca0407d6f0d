"""Warm paths: graph build and query speed at workspace scale, and the ratio to networkx.

    python -m benchmarks.graph_paths [--nodes 1000000] [--edges 10000000] [--queries 200]
        [--nx-nodes 100000] [--nx-edges 1000000]

The graph is synthetic and shaped like a network of people: most ties inside communities of
100 (colleagues, groups), the rest across the network with a heavy tail of well-connected
people (up to ~30k ties at 1M people), strengths spread over 1..100. Each query asks from a user
and four teammates (people of the user's community) to one person, or to an organisation of
30 people; half the single-person targets are picked by a short random walk from the team
(so a path exists), the other half at random (mostly out of reach: the full search, nothing
found).

A tenth more queries put one of the 20 best-connected people on the team: the worst case,
with frontiers of tens of thousands of people.

Prints the build time from arrays (loading the arrays from the database is measured with
the app), the build's peak traced memory and the process's peak RSS, p50/p95 per query on
the big graph, and on a smaller graph the same queries answered by networkx (every simple
path of at most 3 hops with `all_simple_paths`, ranked the same way: its answers must equal
ours) with the ratio. networkx keeps dicts per node and per edge (about 350 MiB per million
ties), so by default the comparison runs on 100k people and 1M ties; with
`--nx-nodes 1000000 --nx-edges 10000000` it runs on the same graph as the engine (about
4.4 GB peak, over a minute to build, and minutes of queries).
"""

from __future__ import annotations

import argparse
import itertools
import resource
import statistics
import sys
import time
import tracemalloc
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from kesher.engine.graph import Graph, WarmPath

COMMUNITY = 100
TEAM = 5
ORGANISATION = 30
K = 5
MAX_HOPS = 3


@dataclass(frozen=True)
class Query:
    kind: str
    sources: tuple[int, ...]
    targets: tuple[int, ...]


def synthetic_ties(
    nodes: int, edges: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    a = rng.integers(0, nodes, edges, dtype=np.int64)
    local = rng.random(edges) < 0.7
    community_start = (a // COMMUNITY) * COMMUNITY
    b = np.where(
        local,
        np.minimum(community_start + rng.integers(0, COMMUNITY, edges), nodes - 1),
        # A power law over a shuffled order: a few people are tied to thousands.
        (nodes * rng.random(edges) ** 3).astype(np.int64),
    )
    hubs = rng.permutation(nodes)
    b = np.where(local, b, hubs[b])
    strength = np.clip(np.rint(rng.beta(2.0, 2.5, edges) * 100), 1, 100)
    return a, b, strength


def make_queries(graph: Graph, count: int, rng: np.random.Generator) -> list[Query]:
    n = graph.node_count
    queries = []
    for number in range(count):
        user = int(rng.integers(0, n))
        start = (user // COMMUNITY) * COMMUNITY
        team = {user, *(int(x) for x in rng.integers(start, min(start + COMMUNITY, n), TEAM - 1))}
        if number % 4 == 3:
            kind = "organisation"
            targets = tuple(int(x) for x in rng.integers(0, n, ORGANISATION))
        elif number % 2 == 0:
            kind = "reachable person"
            targets = (_walk(graph, user, int(rng.integers(2, MAX_HOPS + 1)), rng),)
        else:
            kind = "random person"
            targets = (int(rng.integers(0, n)),)
        queries.append(Query(kind, tuple(sorted(team)), targets))
    return queries


def connector_queries(graph: Graph, count: int, rng: np.random.Generator) -> list[Query]:
    """The worst case: a super-connector (among the 20 best-connected) on the team."""
    connectors = np.argsort(np.diff(graph.indptr))[-20:]
    queries = []
    for _ in range(count):
        team = {
            int(rng.choice(connectors)),
            *(int(x) for x in rng.integers(0, graph.node_count, TEAM - 1)),
        }
        targets = (int(rng.integers(0, graph.node_count)),)
        queries.append(Query("super-connector", tuple(sorted(team)), targets))
    return queries


def _walk(graph: Graph, node: int, steps: int, rng: np.random.Generator) -> int:
    for _ in range(steps):
        row = graph.neighbours[graph.indptr[node] : graph.indptr[node + 1]]
        if not row.size:
            break
        node = int(row[rng.integers(0, row.size)])
    return node


def time_queries(
    graph: Graph, queries: Sequence[Query]
) -> tuple[list[float], list[list[WarmPath]]]:
    timings, answers = [], []
    for query in queries:
        started = time.perf_counter()
        answers.append(graph.warm_paths(query.sources, query.targets, k=K))
        timings.append((time.perf_counter() - started) * 1000)
    return timings, answers


def networkx_graph(a, b, strength):  # type: ignore[no-untyped-def]
    import networkx as nx  # type: ignore[import-untyped]

    graph = nx.Graph()
    for u, v, s in zip(a.tolist(), b.tolist(), strength.tolist(), strict=True):
        if u == v:
            continue
        # Parallel ties keep the strongest, as the engine does.
        if not graph.has_edge(u, v) or graph[u][v]["strength"] < s:
            graph.add_edge(u, v, strength=max(s, 1.0))
    return graph


def networkx_warm_paths(graph, query: Query) -> list[tuple[tuple[int, ...], float]]:  # type: ignore[no-untyped-def]
    import networkx as nx  # type: ignore[import-untyped]

    sources = set(query.sources)
    targets = set(query.targets) - sources
    present = [target for target in targets if target in graph]
    found = []
    for source in query.sources:
        if source not in graph or not present:
            continue
        for nodes in nx.all_simple_paths(graph, source, present, cutoff=MAX_HOPS):
            inner = nodes[1:-1]
            if any(node in sources or node in targets for node in inner):
                continue
            reliability = graph[nodes[0]][nodes[1]]["strength"] * 100 / 10000
            for u, v in itertools.pairwise(nodes[1:]):
                reliability *= graph[u][v]["strength"] * 100 / 10000
            found.append((-reliability, len(nodes), tuple(nodes)))
    found.sort()
    return [(nodes, -reliability) for reliability, _, nodes in found[:K]]


def percentiles(timings: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return statistics.median(ordered), p95


def report(label: str, queries: Sequence[Query], timings: Sequence[float], answers) -> None:  # type: ignore[no-untyped-def]
    for kind in ("reachable person", "random person", "organisation", "super-connector"):
        chosen = [i for i, query in enumerate(queries) if query.kind == kind]
        if not chosen:
            continue
        p50, p95 = percentiles([timings[i] for i in chosen])
        with_path = sum(1 for i in chosen if answers[i])
        print(
            f"  {label} {kind:<17} {len(chosen):4d} queries  p50 {p50:8.2f} ms  "
            f"p95 {p95:8.2f} ms  with a path {with_path}"
        )
    p50, p95 = percentiles(timings)
    print(f"  {label} {'all':<17} {len(timings):4d} queries  p50 {p50:8.2f} ms  p95 {p95:8.2f} ms")


def build(nodes: int, edges: int, seed: int) -> tuple[Graph, float, float, tuple]:  # type: ignore[type-arg]
    rng = np.random.default_rng(seed)
    ties = synthetic_ties(nodes, edges, rng)
    tracemalloc.start()
    started = time.perf_counter()
    graph = Graph.from_ties(*ties, node_ids=np.arange(nodes))
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return graph, seconds, peak / 2**20, ties


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=10_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--nx-nodes", type=int, default=100_000)
    parser.add_argument("--nx-edges", type=int, default=1_000_000)
    parser.add_argument("--nx-queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    print(f"# warm paths, top {K}, up to {MAX_HOPS} hops, team of {TEAM}")
    graph, seconds, peak, ties = build(args.nodes, args.edges, args.seed)
    del ties
    rng = np.random.default_rng(args.seed + 2)
    queries = make_queries(graph, args.queries, rng)
    queries += connector_queries(graph, max(1, args.queries // 10), rng)
    print(f"\n## {graph.node_count:,} people, {graph.edge_count:,} ties (after merging repeats)")
    print(f"  engine build from arrays   {seconds:8.2f} s   traced peak {peak:8.0f} MiB")
    print(f"  graph arrays               {graph.nbytes / 2**20:8.0f} MiB")
    degrees = np.diff(graph.indptr)
    print(f"  degree: median {int(np.median(degrees))}, max {int(degrees.max()):,}")
    timings, answers = time_queries(graph, queries)
    report("engine  ", queries, timings, answers)
    started = time.perf_counter()
    for query in queries[:50]:
        graph.who_they_know(query.sources[0], known=query.sources, k=20)
    print(
        f"  who_they_know (2 hops)     {(time.perf_counter() - started) * 1000 / 50:8.2f} ms each"
    )
    started = time.perf_counter()
    for query in queries[:50]:
        graph.neighbourhood(query.sources[0], max_nodes=60)
    print(
        f"  neighbourhood (60 people)  {(time.perf_counter() - started) * 1000 / 50:8.2f} ms each"
    )
    print(f"  process peak RSS so far    {peak_rss_mib():8.0f} MiB")
    del graph

    small, small_seconds, small_peak, small_ties = build(args.nx_nodes, args.nx_edges, args.seed)
    rng = np.random.default_rng(args.seed + 1)
    small_queries = make_queries(small, args.nx_queries, rng)
    small_queries += connector_queries(small, max(1, args.nx_queries // 10), rng)
    print(f"\n## {small.node_count:,} people, {small.edge_count:,} ties (after merging repeats)")
    print(
        f"  engine build from arrays   {small_seconds:8.2f} s   traced peak {small_peak:8.0f} MiB"
    )
    timings, answers = time_queries(small, small_queries)
    report("engine  ", small_queries, timings, answers)

    started = time.perf_counter()
    nx_graph = networkx_graph(*small_ties)
    print(f"  networkx build             {time.perf_counter() - started:8.2f} s")
    nx_timings, agree = [], 0
    for query, ours in zip(small_queries, answers, strict=True):
        started = time.perf_counter()
        theirs = networkx_warm_paths(nx_graph, query)
        nx_timings.append((time.perf_counter() - started) * 1000)
        agree += [(path.nodes, path.reliability) for path in ours] == theirs
    report("networkx", small_queries, nx_timings, answers)
    ratio = statistics.median(nx_timings) / statistics.median(timings)
    mean_ratio = statistics.fmean(nx_timings) / statistics.fmean(timings)
    print(f"  same answers {agree}/{len(small_queries)}")
    print(f"  ratio networkx / engine: median {ratio:,.0f}x, mean {mean_ratio:,.0f}x")
    print(f"  process peak RSS           {peak_rss_mib():8.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
