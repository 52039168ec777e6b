"""Stage 1 through the web app at city scale: a register of 1.3 million households, 30,000
letters, every step through the Flask test client as an organiser would click it.

Prints the time of each request: upload, the column page (header only), the allocation
preview, the draw (register read, draw, one bulk insert of the invitations, printer's CSV)
and, separately, the letters PDF, which a batch this large gets in a background thread.

    .venv/bin/python benchmarks/stage1_web.py                 # SQLite in a scratch folder
    .venv/bin/python benchmarks/stage1_web.py --rows 100000 --letters 3000
    .venv/bin/python benchmarks/stage1_web.py \\
        --database postgresql+psycopg://postgres@127.0.0.1:5432/bench_stage1  # must exist
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import make_app
from tests.webapp.staff_data import build_world, log_in_as
from webapp.invitations import letters


def register(rows: int, districts: int) -> bytes:
    """One household per row, random districts, with the columns a register has."""
    rng = np.random.default_rng(1)
    numbers = np.arange(rows).astype(str)
    frame = pd.DataFrame(
        {
            "id": np.char.add("P", numbers),
            "name": np.char.add("Name ", numbers),
            "street": np.char.add("Street ", (np.arange(rows) // 50).astype(str)),
            "number": (np.arange(rows) % 50 + 1).astype(str),
            "district": np.array([f"D{i:02d}" for i in range(districts)])[
                rng.integers(0, districts, rows)
            ],
            "gender": np.where(rng.random(rows) < 0.52, "female", "male"),
            "birth_year": rng.integers(1930, 2010, rows).astype(str),
        }
    )
    return frame.to_csv(index=False).encode()


def timed(label: str, call):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    response = call()
    print(f"{label:<34} {time.perf_counter() - start:7.1f} s  (HTTP {response.status_code})")
    return response


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_300_000)
    parser.add_argument("--letters", type=int, default=30_000)
    parser.add_argument("--districts", type=int, default=21)
    parser.add_argument("--database", help="SQLAlchemy URL (default: SQLite, scratch file)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="stage1-"))
    app = make_app(
        args.database or f"sqlite:///{scratch / 'bench.sqlite'}",
        LETTERS_DIR=str(scratch / "letters"),
        UPLOADS_DIR=str(scratch / "uploads"),
    )
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    data = register(args.rows, args.districts)
    print(f"register: {args.rows:,} households, {len(data) / 1e6:.0f} MB; {args.letters:,} letters")
    upload = timed(
        "upload",
        lambda: client.post(
            f"/staff/juries/{world.jury}/invitations",
            data={"register": (io.BytesIO(data), "register.csv")},
            content_type="multipart/form-data",
        ),
    )
    url = upload.location
    timed("column page (header only)", lambda: client.get(url))
    form = {
        "stratum": "district",
        "household": ["street", "number"],
        "id_column": "id",
        "addressee": "name",
        "address_lines-2": "1",  # street and number on one line
        "address_lines-3": "1",
        "gender": "gender",
        "birth_year": "birth_year",
        "n": str(args.letters),
        "seed_text": "benchmark",
        "language": "es",
    }
    timed("preview of the allocation", lambda: client.post(url, data={**form, "action": "preview"}))
    draw = timed(
        "draw + bulk insert + printer CSV",
        lambda: client.post(url, data={**form, "action": "draw", "confirm": "y"}),
    )
    batch = draw.location.rsplit("/", 1)[1]
    start = time.perf_counter()
    letters.wait_for_pdf(scratch / "letters" / batch)
    pdf = scratch / "letters" / batch / "letters.pdf"
    print(
        f"{'letters PDF (background thread)':<34} {time.perf_counter() - start:7.1f} s  "
        f"({pdf.stat().st_size / 1e6:.0f} MB)"
    )


if __name__ == "__main__":
    main()
