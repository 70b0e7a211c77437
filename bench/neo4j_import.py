"""The Neo4j store's import on the Bolt test server, profiled:
``python -m bench.neo4j_import --children 300``.

Reads the first N documents of ``bench/data/synth-1000-seed7.jsonl`` (``python -m
bench.import_speed`` makes it), starts the ArcadeDB Bolt test server, times
``store.replace_many`` (wall and this process's CPU: the server's is its own) and prints a
pyinstrument tree of it.
"""

from __future__ import annotations

import argparse
import itertools
import time

from bench.import_speed import synth_file


def main() -> None:
    from pyinstrument import Profiler

    from ecomap.format import read_documents
    from ecomap.model import EcomapDocument
    from graph.neo4j import Neo4jStore
    from tests.boltserver import BoltTestServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=300)
    opts = parser.parse_args()
    docs = [d for d in itertools.islice(read_documents(synth_file(1000)), opts.children)
            if isinstance(d, EcomapDocument)]
    with BoltTestServer(heap="2g") as server:
        store = Neo4jStore(server.uri, user=server.user, password=server.password,
                           database=server.database)
        profiler = Profiler(interval=0.002)
        wall, cpu = time.perf_counter(), time.process_time()
        profiler.start()
        result = store.replace_many(docs, actor="import:bench")
        profiler.stop()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        store.close()
    print(f"{len(result.imported)} imported: wall {wall:.1f} s, client CPU {cpu:.1f} s")
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
