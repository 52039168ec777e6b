"""A national citizens' assembly's pool, generated: eight quota categories, nearly every
volunteer a type of their own.

    python benchmarks/assembly.py OUT_FOLDER [--n 1700] [--k 110] [--seed 1]

writes an instance folder in the shared instances' format (``instance.json``,
``categories.csv``, ``respondents.csv`` with address columns) that ``benchmarks/selection.py``
and the peer read like any other. The shape follows the largest pool of Flanigan et al.
(Nature 2021: 1,727 respondents for 110 seats): gender, age, ethnicity, education, region,
urban/rural, disability and attitude to the topic. Volunteers are unlike the population:
older and more educated people reply more often (the response bias every assembly reports).
About 8% of volunteers share an address with another (same region and area type). The quotas
allow one seat either side of each value's population share of ``k``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from pathlib import Path

# Population shares, and how much more (or less) often each value replies.
POPULATION: dict[str, dict[str, float]] = {
    "gender": {"female": 0.51, "male": 0.48, "other": 0.01},
    "age": {
        "16-24": 0.13,
        "25-34": 0.16,
        "35-44": 0.16,
        "45-54": 0.17,
        "55-64": 0.15,
        "65-74": 0.13,
        "75+": 0.10,
    },
    "ethnicity": {"white": 0.82, "asian": 0.08, "black": 0.04, "mixed": 0.03, "other": 0.03},
    "education": {"none": 0.18, "secondary": 0.34, "vocational": 0.17, "degree": 0.31},
    "region": {
        f"r{i:02d}": share
        for i, share in enumerate(
            (0.14, 0.13, 0.11, 0.10, 0.09, 0.09, 0.08, 0.07, 0.06, 0.05, 0.05, 0.03)
        )
    },
    "area": {"urban": 0.62, "suburban": 0.21, "rural": 0.17},
    "disability": {"no": 0.82, "yes": 0.18},
    "attitude": {"very": 0.27, "fairly": 0.42, "not very": 0.20, "not at all": 0.11},
}
REPLIES: dict[str, dict[str, float]] = {
    "age": {
        "16-24": 0.5,
        "25-34": 0.7,
        "35-44": 0.9,
        "45-54": 1.1,
        "55-64": 1.4,
        "65-74": 1.6,
        "75+": 1.0,
    },
    "education": {"none": 0.5, "secondary": 0.8, "vocational": 1.0, "degree": 1.9},
    "attitude": {"very": 1.6, "fairly": 1.1, "not very": 0.7, "not at all": 0.5},
}
SHARED_ADDRESS = 0.08


def _volunteer(rng: random.Random, home: dict[str, str] | None) -> dict[str, str]:
    person = {}
    for category, shares in POPULATION.items():
        bias = REPLIES.get(category, {})
        values = list(shares)
        weights = [shares[v] * bias.get(v, 1.0) for v in values]
        person[category] = rng.choices(values, weights=weights)[0]
    if home is not None:
        person.update(region=home["region"], area=home["area"])
    return person


def volunteers(rng: random.Random, n: int) -> list[dict[str, str]]:
    """``n`` volunteers with their features and an address (``address``, ``postcode``); pairs
    at the start share theirs."""
    people: list[dict[str, str]] = []
    pairs = round(SHARED_ADDRESS * n / 2)
    for i in range(n):
        home = people[i - 1] if i < 2 * pairs and i % 2 else None
        person = _volunteer(rng, home)
        person["id"] = f"v{i:05d}"
        if home is not None:
            person["address"], person["postcode"] = home["address"], home["postcode"]
        else:
            person["address"] = f"{rng.randint(1, 400)} Street {i}"
            person["postcode"] = f"{rng.randint(1000, 9999)} AB"
        people.append(person)
    return people


def quotas(k: int) -> list[dict[str, object]]:
    """One seat of slack around each value's population share of ``k``."""
    return [
        {
            "feature": category,
            "value": value,
            "min": max(0, round(k * share) - 1),
            "max": round(k * share) + 1,
        }
        for category, shares in POPULATION.items()
        for value, share in shares.items()
    ]


def write(
    folder: Path, *, n: int = 1700, k: int = 110, seed: int = 1, name: str | None = None
) -> Path:
    """Write the instance folder (named ``name``, by default ``assembly_like_{k}``, inside
    ``folder``)."""
    target = folder / (name or f"assembly_like_{k}")
    target.mkdir(parents=True, exist_ok=True)
    people = volunteers(random.Random(seed), n)
    columns = ["id", *POPULATION, "address", "postcode"]
    with (target / "respondents.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(people)
    with (target / "categories.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["feature", "value", "min", "max"])
        writer.writeheader()
        writer.writerows(quotas(k))
    meta = {
        "name": target.name,
        "k": k,
        "categories_file": "categories.csv",
        "respondents_file": "respondents.csv",
        "category_col": "feature",
        "value_col": "value",
        "min_col": "min",
        "max_col": "max",
        "id_col": "id",
        "address_cols": ["address", "postcode"],
        "source": {
            "nature": f"SYNTHETIC (benchmarks/assembly.py, seed {seed}): a national assembly's "
            f"pool of {n}, eight categories, response bias, {SHARED_ADDRESS:.0%} sharing "
            "an address"
        },
    }
    (target / "instance.json").write_text(json.dumps(meta, indent=2) + "\n")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=1700)
    parser.add_argument("--k", type=int, default=110)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(write(args.out, n=args.n, k=args.k, seed=args.seed))


if __name__ == "__main__":
    main()
