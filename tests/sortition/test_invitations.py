"""The invitation lottery: allocation, uniformity, reproducibility, verification, bad input."""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sortition.errors import InputErrors
from sortition.invitations import (
    allocate,
    draw_invitations,
    parse_weights,
    read_exclusions,
    read_register,
    seed_from_text,
    verify_invitation_files,
    write_invitation_files,
)
from sortition.register import Register

DISTRICTS = ["Centro", "Usera", "Retiro", "Latina"]


def make_register(path: Path, *, households: int = 400, people_per_household: int = 2) -> Path:
    """Households spread over four districts; every household has the same number of rows."""
    rows = []
    for h in range(households):
        for p in range(people_per_household):
            rows.append(
                {
                    "id": f"P{h:05d}-{p}",
                    "name": f"Person {h}/{p}",
                    "street": f"Calle Ñandú {h}",
                    "postcode": f"28{h % 97:03d}",
                    "district": DISTRICTS[(h * 7) % 11 % 4],
                }
            )
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def read(path: Path) -> Register:
    return read_register(
        path, strata_column="district", household_columns=("street", "postcode"), id_column="id"
    )


def problems_of(excinfo: pytest.ExceptionInfo[InputErrors]) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in excinfo.value.problems]


# --- allocation ---------------------------------------------------------------------------


def test_allocation_by_hand() -> None:
    # exact shares 2, 1.2, 0.8: the one letter left over goes to C (remainder 0.8 > 0.2)
    assert allocate({"A": 5, "B": 3, "C": 2}, 4) == {"A": 2, "B": 1, "C": 1}


def test_weights_oversample_and_a_full_stratum_is_capped() -> None:
    assert allocate({"A": 10, "B": 10}, 6, weights={"B": 2}) == {"A": 2, "B": 4}
    # A's weighted share (50 * 200/300) exceeds its 2 households: it gets 2, B the rest.
    assert allocate({"A": 2, "B": 100}, 50, weights={"A": 100}) == {"A": 2, "B": 48}
    assert allocate({"A": 5, "B": 5}, 3, weights={"A": 0}) == {"A": 0, "B": 3}


@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=3), st.integers(1, 10_000), min_size=1, max_size=25
    ),
    st.data(),
)
def test_allocation_sums_to_n_and_stays_within_one_of_the_exact_share(
    households: dict[str, int], data: st.DataObject
) -> None:
    weights = {
        s: Fraction(data.draw(st.integers(1, 40)), 10)
        for s in data.draw(st.lists(st.sampled_from(sorted(households)), unique=True))
    }
    total = sum(weights.get(s, 1) * h for s, h in households.items())
    # Below total / (largest weight) no stratum's exact share reaches its household count.
    largest = max([Fraction(1), *weights.values()])
    limit = min(sum(households.values()), int((total - 1) / largest))
    n = data.draw(st.integers(0, limit))
    exact = {s: n * weights.get(s, 1) * h / total for s, h in households.items()}
    result = allocate(households, n, weights=weights)
    assert sum(result.values()) == n
    for s, share in exact.items():
        assert abs(result[s] - share) < 1
        assert 0 <= result[s] <= households[s]


def test_parse_weights_reads_decimals_and_rejects_nonsense() -> None:
    assert parse_weights("Centro=1.5, Usera=2") == {"Centro": Fraction(3, 2), "Usera": 2}
    with pytest.raises(InputErrors) as excinfo:
        parse_weights("Centro=abc,Usera")
    assert len(excinfo.value.problems) == 2


# --- the draw --------------------------------------------------------------------------------


def test_seed_from_text_is_the_documented_hash() -> None:
    text = "  dice: 3 6 1 2 5 5  "
    digest = hashlib.sha256(b"dice: 3 6 1 2 5 5").digest()
    assert seed_from_text(text) == int.from_bytes(digest[:8], "big")


def test_same_inputs_and_seed_give_the_same_draw(tmp_path: Path) -> None:
    register = read(make_register(tmp_path / "register.csv"))
    first = draw_invitations(register, 60, seed=42, weights={"Usera": 2})
    again = draw_invitations(read(tmp_path / "register.csv"), 60, seed=42, weights={"Usera": 2})
    other = draw_invitations(register, 60, seed=43, weights={"Usera": 2})
    assert first.rows == again.rows
    assert first.report == again.report
    assert first.rows != other.rows
    assert len(first.rows) == 60 == sum(first.allocation.values())


def test_one_letter_per_household_and_each_stratum_gets_its_allocation(tmp_path: Path) -> None:
    register = read(make_register(tmp_path / "register.csv", people_per_household=3))
    draw = draw_invitations(register, 90, seed=7)
    table = draw.table()
    assert not table.duplicated(["street", "postcode"]).any()
    assert Counter(table["district"]) == {s: k for s, k in draw.allocation.items() if k}
    source = pd.read_csv(tmp_path / "register.csv", dtype="string")
    for _, row in table.iterrows():
        assert source.iloc[row["register_row"] - 2]["id"] == row["id"]
        assert row["id"].endswith("-0")  # the household's first row stands for it


def test_draw_is_uniform_within_a_stratum_chi_square(tmp_path: Path) -> None:
    register = read(
        make_register(tmp_path / "register.csv", households=160, people_per_household=1)
    )
    draws = 800
    counts: Counter[str] = Counter()
    for seed in range(draws):
        table = draw_invitations(register, 40, seed=seed).table()
        counts.update(table.loc[table["district"] == "Centro", "id"])
    size = register.households_per_stratum()["Centro"]
    invited = draw_invitations(register, 40, seed=0).allocation["Centro"]
    expected = draws * invited / size
    observed = [
        counts.get(i, 0) for i in register.frame.loc[register.frame["district"] == "Centro", "id"]
    ]
    chi2 = sum((o - expected) ** 2 / expected for o in observed)
    df = size - 1
    # Wilson-Hilferty: the chi-square quantile at p = 0.999 (z = 3.09)
    critical = df * (1 - 2 / (9 * df) + 3.09 * math.sqrt(2 / (9 * df))) ** 3
    assert chi2 < critical, (chi2, critical)
    assert chi2 > df / 4  # far too even would mean the draw is not random at all


def test_exclusions_by_id_and_by_address(tmp_path: Path) -> None:
    register = read(make_register(tmp_path / "register.csv", households=50))
    frame = register.frame
    by_id = frame.loc[frame["district"] == "Centro", ["id"]].iloc[::2]
    by_id.to_csv(tmp_path / "past_members.csv", index=False)
    rows = frame.loc[frame["district"] == "Centro", ["street", "postcode"]].iloc[1::2]
    rows.assign(street=rows["street"].str.upper() + "  ").to_csv(
        tmp_path / "optout.csv", index=False
    )
    for name in ("past_members.csv", "optout.csv"):
        exclusions = read_exclusions(tmp_path / name, register=register)
        draw = draw_invitations(register, 20, seed=1, exclude=exclusions)
        table = draw.table()
        if name == "past_members.csv":
            assert not set(table["id"]) & set(by_id["id"])
        else:
            assert not set(table["street"]) & set(rows["street"])
        assert draw.report["exclusions"]["households_excluded"] > 0


# --- files and verification ------------------------------------------------------------------


def test_files_and_verify_match_then_report_every_mismatch(tmp_path: Path) -> None:
    path = make_register(tmp_path / "register.csv")
    draw = draw_invitations(
        read(path), 50, seed=seed_from_text("Lotería 2025"), seed_text="Lotería 2025"
    )
    paths = write_invitation_files(draw, tmp_path / "out")
    report = json.loads(paths["report"].read_text(encoding="utf-8"))
    assert report["register"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report["seed"]["text"] == "Lotería 2025"
    allocation = pd.read_csv(paths["allocation"])
    assert list(allocation.columns) == ["stratum", "households", "weight", "invited"]
    assert allocation["invited"].sum() == 50
    invitations = pd.read_csv(paths["invitations"], dtype="string")
    assert {"register_row", "stratum", "code"} <= set(invitations.columns)
    assert invitations["code"].is_unique
    assert verify_invitation_files(path, paths["report"]).matches

    # A changed register has another SHA-256 and the recomputed draw no longer matches.
    changed = pd.read_csv(path, dtype="string")
    changed = changed.iloc[::-1]
    changed.to_csv(tmp_path / "changed.csv", index=False)
    verification = verify_invitation_files(tmp_path / "changed.csv", paths["report"])
    assert not verification.register_matches
    assert not verification.matches
    assert verification.missing and verification.unexpected
    assert any("SHA-256" in line for line in verification.lines())

    # Tampered invitations: a row dropped, an address edited.
    invitations.iloc[1:].assign(
        street=lambda f: f["street"].where(f.index != 5, "Calle Falsa 123")
    ).to_csv(tmp_path / "tampered.csv", index=False)
    verification = verify_invitation_files(
        path, paths["report"], invitations_path=tmp_path / "tampered.csv"
    )
    assert verification.register_matches
    assert verification.missing == (int(invitations["register_row"].iloc[0]),)
    assert verification.changed == (int(invitations["register_row"].iloc[5]),)
    assert verification.lines()[-1].startswith("MISMATCH")


# --- bad registers ---------------------------------------------------------------------------


def test_missing_stratum_column_names_the_header_row_and_column(tmp_path: Path) -> None:
    path = make_register(tmp_path / "register.csv")
    with pytest.raises(InputErrors) as excinfo:
        read_register(path, strata_column="distrito")
    assert problems_of(excinfo) == [(1, "distrito")]
    assert "district" in str(excinfo.value)


def test_empty_file_and_header_only(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("id,district\n")
    for name in ("empty.csv", "header.csv"):
        with pytest.raises(InputErrors) as excinfo:
            read_register(tmp_path / name, strata_column="district")
        assert excinfo.value.problems[0].file == name


def test_n_larger_than_the_register(tmp_path: Path) -> None:
    register = read(make_register(tmp_path / "register.csv", households=30))
    with pytest.raises(InputErrors) as excinfo:
        draw_invitations(register, 31, seed=1)
    assert "30 households" in str(excinfo.value)


def test_duplicate_ids_and_empty_strata_are_all_reported_with_rows(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(
        "id,street,district\nA,s1,Centro\nB,s2,\nA,s3,Usera\nC,s4,Usera\nC,s5,Usera\n"
    )
    with pytest.raises(InputErrors) as excinfo:
        read_register(tmp_path / "bad.csv", strata_column="district", id_column="id")
    assert sorted(problems_of(excinfo)) == [(3, "district"), (4, "id"), (6, "id")]
    assert "already on row 2" in str(excinfo.value)


def test_household_split_over_two_strata_is_reported(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text('street,district\n"Mayor, 1",Centro\nmayor  1,Usera\n')
    with pytest.raises(InputErrors) as excinfo:
        read_register(tmp_path / "bad.csv", strata_column="district", household_columns=["street"])
    assert problems_of(excinfo) == [(3, "district")]


def test_unknown_stratum_in_the_weights(tmp_path: Path) -> None:
    register = read(make_register(tmp_path / "register.csv", households=30))
    with pytest.raises(InputErrors) as excinfo:
        draw_invitations(register, 10, seed=1, weights={"Centr0": 2})
    assert "Centr0" in str(excinfo.value) and "Centro" in str(excinfo.value)
    assert problems_of(excinfo) == [(None, "district")]


def test_xlsx_register_and_semicolon_csv(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["1", "2", "3"], "district": ["Noord", "Zuid", "Noord"]})
    frame.to_excel(tmp_path / "register.xlsx", index=False)
    frame.to_csv(tmp_path / "register.csv", index=False, sep=";")
    for name in ("register.xlsx", "register.csv"):
        register = read_register(tmp_path / name, strata_column="district", id_column="id")
        assert register.households_per_stratum() == {"Noord": 2, "Zuid": 1}
