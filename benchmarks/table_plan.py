"""The table plan of one sitting as the web app makes it: inline in the request, or in the worker?

    .venv/bin/python benchmarks/table_plan.py [--members 49] [--sittings 8] [--seed 1]

A jury of 49 members (gender, age band, district, one category of its own, answers drawn
seeded) in a fresh SQLite database; for each of 8 sittings in turn the plan is made through
the service the page calls (webapp.sittings.plans.make: reading the members and their
answers, the earlier plans as history, the library's allocation, storing the seats, measuring),
tables of at most 7, every category strict. Printed per sitting: wall-clock and CPU seconds
(this process: the load of a shared machine inflates only the first), repeated meetings and
the lower bound, and whether the time limit stopped the search.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import make_app
from tests.webapp.attendance_data import add_members, add_sitting
from tests.webapp.categories_data import add_education
from tests.webapp.staff_data import build_world
from webapp.extensions import db
from webapp.models import Category, CategoryAnswer, Member, Reply, Sitting
from webapp.sittings import plans


def _answers(jury_id: int, rng: random.Random) -> None:
    category = db.session.query(Category).filter_by(jury_id=jury_id).one()
    keys = [o["key"] for o in category.options]
    for member in db.session.query(Member).filter_by(jury_id=jury_id):
        reply = db.session.get_one(Reply, member.reply_id)
        db.session.add(
            CategoryAnswer(reply_id=reply.id, category_id=category.id, option=rng.choice(keys))
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=49)
    parser.add_argument("--sittings", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="table-plan-bench-")
    app = make_app(f"sqlite:///{folder}/bench.sqlite")
    world = build_world(app)
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print("| sitting | seconds | CPU seconds | repeated | bound | stopped by time |")
    print("|---|---|---|---|---|---|")
    with app.app_context():
        add_education(world.jury)
        add_members(world.jury, world.batch, args.members, seed=args.seed)
        _answers(world.jury, random.Random(args.seed))
        later = [add_sitting(world.jury, 2 + 7 * s) for s in range(1, args.sittings)]
        ids = [world.sitting, *later]
        db.session.commit()
        modes = {k: "strict" for k in plans.category_keys(db.session.get_one(Sitting, ids[0]).jury)}
        worst = 0.0
        for number, sitting_id in enumerate(ids, start=1):
            sitting = db.session.get_one(Sitting, sitting_id)
            settings = plans.Settings(
                plans.Source.CONFIRMED, table_size=7, categories=modes, seed=args.seed + number
            )
            wall, cpu = time.perf_counter(), time.process_time()
            plan = plans.make(sitting, settings, user=None)
            db.session.commit()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            worst = max(worst, cpu)
            print(
                f"| {number} | {wall:.2f} | {cpu:.2f} | {plan.measures['repeated_pairs']} "
                f"| {plan.report['lower_bound']} | {plan.report['stopped_by_time']} |"
            )
        db.engine.dispose()
    print(f"load average at the end: {os.getloadavg()[0]:.1f}; most CPU seconds: {worst:.2f}")


if __name__ == "__main__":
    main()
