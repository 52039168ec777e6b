"""Stage 1 at Madrid's scale: draw 30,000 of 1.3 million households in 21 districts, then
print 30,000 letters, each with its paper reply form (and once without, for comparison).

    .venv/bin/python benchmarks/invitations.py [--households 1300000] [--n 30000] [--letters 30000]

Each measurement runs in a fresh Python process, so that its peak memory (maximum resident set
size) is its own. The register is generated (seeded, synthetic) into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

# Madrid's 21 districts with their approximate populations (thousands), for realistic strata.
DISTRICTS = {
    "Centro": 140, "Arganzuela": 155, "Retiro": 118, "Salamanca": 145, "Chamartín": 145,
    "Tetuán": 160, "Chamberí": 138, "Fuencarral-El Pardo": 250, "Moncloa-Aravaca": 120,
    "Latina": 240, "Carabanchel": 260, "Usera": 140, "Puente de Vallecas": 235,
    "Moratalaz": 92, "Ciudad Lineal": 215, "Hortaleza": 195, "Villaverde": 155,
    "Villa de Vallecas": 115, "Vicálvaro": 75, "San Blas-Canillejas": 160, "Barajas": 50,
}  # fmt: skip
WEIGHTS = "Usera=1.5,Villaverde=1.5,Puente de Vallecas=1.5"


def make_register(path: Path, households: int) -> None:
    """One row per household: id, street, number, floor, postcode, district."""
    rng = np.random.default_rng(2019)
    names = list(DISTRICTS)
    share = np.array([DISTRICTS[d] for d in names], dtype=float)
    district = rng.choice(len(names), size=households, p=share / share.sum())
    index = np.arange(households)
    # Street, number and floor follow the row number, so every address is distinct.
    frame = pd.DataFrame(
        {
            "id": np.char.add("H", index.astype(str)),
            "street": np.char.add("Calle Ñandú ", (index // 2400).astype(str)),
            "number": (index % 200 + 1).astype(str),
            "floor": np.char.add(((index // 200) % 12).astype(str), "º"),
            "postcode": (28001 + district * 3 + rng.integers(0, 3, size=households)).astype(str),
            "district": np.array(names, dtype=object)[district],
        }
    )
    frame.to_csv(path, index=False)


def child_draw(register: str, n: int, out: str, households: str) -> dict[str, float]:
    from sortition.invitations import (
        draw_invitations,
        parse_weights,
        read_register,
        seed_from_text,
        write_invitation_files,
    )

    start = time.perf_counter()
    columns = tuple(c for c in households.split(",") if c)
    reg = read_register(
        register, strata_column="district", household_columns=columns, id_column="id"
    )
    read = time.perf_counter()
    draw = draw_invitations(
        reg, n, seed=seed_from_text("3 5 1 6 2 4"), weights=parse_weights(WEIGHTS)
    )
    drawn = time.perf_counter()
    write_invitation_files(draw, out)
    done = time.perf_counter()
    return {"read_s": read - start, "draw_s": drawn - read, "write_s": done - drawn}


def reply_form():  # type: ignore[no-untyped-def]
    """A Spanish paper reply form with the web app's questions (eight sittings)."""
    from sortition.letters import FormQuestion, ReplyForm

    dates = tuple(f"sáb {d} mar 2026, 10:00" for d in range(1, 9))
    return ReplyForm(
        title="Formulario de respuesta: Observatorio de la Ciudad",
        intro="¿No tiene internet? Responda aquí. Escriba con claridad y devuelva el formulario "
        "en el sobre. No necesita sello.",
        code_label="Su código personal",
        return_label="Franqueo pagado: no necesita sello",
        return_address=("Ayuntamiento de Madrid", "Respuesta Comercial 1234", "28080 Madrid"),
        questions=(
            FormQuestion("¿Quiere participar?", ("Sí, quiero participar", "No")),
            FormQuestion("Año de nacimiento"),
            FormQuestion("Género", ("Mujer", "Hombre", "No binario u otro", "Prefiero no decirlo")),
            FormQuestion("Distrito"),
            FormQuestion("Correo electrónico"),
            FormQuestion("Teléfono"),
            FormQuestion("Fechas en las que puede venir", dates),
            FormQuestion("Ayuda que necesita", ("Cuidado de niños", "Movilidad", "Intérprete")),
            FormQuestion("Quién puede participar", ("Vivo en Madrid.", "No tengo cargo público.")),
            FormQuestion("Consentimiento", ("Estoy de acuerdo.",)),
        ),
        letter_note="¿No tiene internet? Rellene el formulario de respuesta que viene con esta "
        "carta y envíelo en el sobre. No necesita sello.",
    )


def child_letters(
    invitations: str, out: str, count: int, workers: int, forms: bool
) -> dict[str, float]:
    from sortition.letters import render_letters
    from sortition.register import read_table

    rows = [
        {str(k): str(v) for k, v in row.items()}
        for row in read_table(invitations)[1].head(count).to_dict("records")
    ]
    start = time.perf_counter()
    render_letters(
        rows,
        lang="es",
        reply_url="https://participa.example.es/observatorio/responder",
        out=out,
        variables={
            "jury_name": "Observatorio de la Ciudad",
            "organiser": "Ayuntamiento de Madrid · Plaza de la Villa 5 · 28005 Madrid",
            "sitting_dates": "- Sábado 7 de marzo\n- Sábado 4 de abril\n- Sábado 9 de mayo",
            "reply_deadline": "15 de febrero de 2026",
            "contact": "Llame al 010 o escriba a observatorio@example.es.",
        },
        address_columns=["street+number+floor", "postcode+district"],
        workers=workers,
        reply_form=reply_form() if forms else None,
    )
    return {"seconds": time.perf_counter() - start}


def in_child(*args: str) -> dict[str, float]:
    """Run one measurement in a fresh interpreter; its figures plus its peak memory in MB."""
    completed = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    )
    figures: dict[str, float] = json.loads(completed.stdout.strip().splitlines()[-1])
    return figures


def peak_memory_mb() -> float:
    """This process's own peak resident memory. (ru_maxrss is not used: on Linux a child
    started by a big parent can report the parent's peak.)"""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_main(args: list[str]) -> None:
    kind, *rest = args
    start = time.perf_counter()
    cpu_start = os.times()
    figures = (
        child_draw(rest[0], int(rest[1]), rest[2], rest[3])
        if kind == "draw"
        else child_letters(rest[0], rest[1], int(rest[2]), int(rest[3]), rest[4] == "forms")
    )
    figures["total_s"] = time.perf_counter() - start
    cpu = os.times()
    # CPU seconds of this process and its (reaped) worker processes: on a shared machine
    # this says more than wall-clock time about what the code costs.
    figures["cpu_s"] = sum(
        getattr(cpu, f) - getattr(cpu_start, f)
        for f in ("user", "system", "children_user", "children_system")
    )
    figures["peak_mb"] = peak_memory_mb()
    print(json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_300_000)
    parser.add_argument("--n", type=int, default=30_000)
    parser.add_argument("--letters", type=int, default=30_000)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        register = work / "register.csv"
        started = time.perf_counter()
        make_register(register, options.households)
        size = register.stat().st_size / 1e6
        load = os.getloadavg()[0]
        print(f"{os.cpu_count()} CPUs, load average {load:.1f} before the measurements")
        print(
            f"register: {options.households:,} households, 21 districts, {size:.0f} MB "
            f"(generated in {time.perf_counter() - started:.1f} s)"
        )
        for label, columns in (
            ("one row per household", ""),
            ("grouped by address", "street,number,floor,postcode"),
        ):
            figures = in_child("draw", str(register), str(options.n), str(work / "out"), columns)
            print(
                f"draw of {options.n:,} ({label}): read {figures['read_s']:.2f} s, "
                f"draw {figures['draw_s']:.2f} s, write {figures['write_s']:.2f} s, "
                f"total {figures['total_s']:.2f} s (CPU {figures['cpu_s']:.2f} s), "
                f"peak memory {figures['peak_mb']:.0f} MB"
            )
        # The web app prints each letter with its paper reply form; the letters alone are
        # measured once more for comparison with earlier figures.
        runs = [("forms", w) for w in options.workers] + [("letters only", options.workers[0])]
        for kind, workers in runs:
            figures = in_child(
                "letters",
                str(work / "out/invitations.csv"),
                str(work / "letters.pdf"),
                str(options.letters),
                str(workers),
                kind,
            )
            pdf_mb = (work / "letters.pdf").stat().st_size / 1e6
            what = "letters with paper forms" if kind == "forms" else "letters only"
            print(
                f"{what}: {options.letters:,} in {figures['seconds']:.1f} s "
                f"({options.letters / figures['seconds']:.0f} letters/s, workers={workers}; "
                f"CPU {figures['cpu_s']:.1f} s), "
                f"PDF {pdf_mb:.0f} MB, peak memory {figures['peak_mb']:.0f} MB"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child_main(sys.argv[2:])
    else:
        main()
