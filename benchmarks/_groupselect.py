"""Run one GroupSelect algorithm in this process (a child of benchmarks/tables.py).

    python benchmarks/_groupselect.py PEER_FOLDER < job.json > result.json

The peer is imported from PEER_FOLDER only (both of its branches name their package
``groupselect``, hence one process per branch). The job holds ``participants`` (a matrix of
value codes), ``diversify`` (column indices), ``group_size``, ``sittings``, ``algorithm``
(``Legacy`` or ``Heuristic``) and ``seed``. The result holds ``sittings`` (for each sitting
the tables as lists of row indices), ``seconds`` and ``cpu`` (wall-clock and CPU seconds of
the allocation alone).
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    job = json.load(sys.stdin)
    from groupselect import FieldMode, allocate_numpy  # the peer, from its folder only

    names = {m.name for m in FieldMode}
    diversify = FieldMode["Diversify_1" if "Diversify_1" in names else "Diversify"]
    participants = np.asarray(job["participants"], dtype=np.int64)
    fields = {int(i): diversify for i in job["diversify"]}
    # The peer prints progress of its own: keep the result alone on stdout.
    saved = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    started, cpu = time.perf_counter(), time.process_time()
    result = allocate_numpy(
        participants=participants,
        fields=fields,
        n_part_per_group=[int(job["group_size"])] * int(job["sittings"]),
        algorithm=job["algorithm"],
        settings={"seed": int(job["seed"])},
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    os.dup2(saved, 1)
    sittings = [[[int(p) for p in group] for group in allocation] for allocation in result.ensemble]
    json.dump({"sittings": sittings, "seconds": seconds, "cpu": cpu}, sys.stdout)


if __name__ == "__main__":
    main()
