"""The ``sortition check`` and ``sortition select`` commands: exit codes, messages, files."""

from __future__ import annotations

import io
import json
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

import sortition.solver.leximin as leximin_module
from sortition.cli import main, solving
from sortition.tabular import read_inputs

DATA = Path(__file__).parent / "data"
POOL, QUOTAS = DATA / "town_pool.csv", DATA / "town_quotas.csv"
BASE = ["--k", "6", "--id-column", "person_id", "--address-columns", "street,postcode"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def tight_quotas(folder: Path) -> Path:
    """Five women needed, but women live in only four households: the panel of 6 can have 4
    women at most, hence 2 men: female min 5 -> 4 and male max 1 -> 2 (any other fix costs
    more)."""
    text = QUOTAS.read_text(encoding="utf-8").replace("female,3,3,2,4", "female,5,5,2,6")
    text = text.replace(",male,3,3,2,4", ",male,1,1,0,4")
    path = folder / "tight.csv"
    path.write_text(text, encoding="utf-8")
    return path


# --- check ---------------------------------------------------------------------------------


def test_check_feasible() -> None:
    result = run("check", POOL, QUOTAS, *BASE)
    assert result.exit_code == 0, result.output
    assert "A panel of 6 from 12 volunteers can meet the quotas." in result.stdout


def test_check_infeasible_prints_the_smallest_change(tmp_path: Path) -> None:
    result = run("check", POOL, tight_quotas(tmp_path), *BASE)
    assert result.exit_code == 3
    assert "cannot meet the quotas" in result.stdout
    assert "gender female: minimum 5, but only 4 such volunteers can sit together" in result.stdout
    assert "gender female: minimum 5 cannot be met, 4 can" in result.stdout
    assert "gender male: maximum 1 is too low, 2 works" in result.stdout


def test_check_lists_unselectable_volunteers(tmp_path: Path) -> None:
    quotas = tmp_path / "q.csv"
    text = QUOTAS.read_text(encoding="utf-8").replace("60+,1,3,0,6", "60+,0,0,0,6")
    quotas.write_text(text, encoding="utf-8")
    result = run("check", POOL, quotas, *BASE)
    assert result.exit_code == 0, result.output
    assert "Volunteers who can be on no valid panel (4)" in result.stdout
    for pid in ("v03", "v06", "v09", "v12"):
        assert f"{pid}: the maximum is 0 for age 60+" in result.stdout


def test_check_reports_every_input_problem_on_stderr(tmp_path: Path) -> None:
    pool = tmp_path / "pool.csv"
    rows = POOL.read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].replace("female", "robot")  # row 4
    rows[5] = rows[5].replace("v05", "v01")  # row 6
    pool.write_text("\n".join(rows) + "\n", encoding="utf-8")
    quotas = tmp_path / "quotas.csv"
    quotas.write_text(QUOTAS.read_text(encoding="utf-8").replace(",1,3,0,6", ",x,3,0,6", 1))
    result = run("check", pool, quotas, *BASE[:4], "--address-columns", "street,zip")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "4 problems in the input files" in result.stderr
    assert f"{quotas}, row 4, column 'min': must be a whole number" in result.stderr
    assert f"{pool}, row 1: there is no address column 'zip'" in result.stderr
    assert f"{pool}, row 4, column 'gender': 'robot' has no quota in 'gender'" in result.stderr
    assert f"{pool}, row 6, column 'person_id': the id 'v01' is also on row 2" in result.stderr


def test_check_missing_file() -> None:
    result = run("check", DATA / "nope.csv", QUOTAS, *BASE)
    assert result.exit_code == 1
    assert f"{DATA / 'nope.csv'}: no such file" in result.stderr


def test_check_reads_xlsx_and_row_number_ids(tmp_path: Path) -> None:
    frame = pd.read_csv(POOL, dtype="string").drop(columns=["person_id"])
    frame.to_excel(tmp_path / "pool.xlsx", index=False)
    pd.read_csv(QUOTAS).to_excel(tmp_path / "quotas.xlsx", index=False)
    result = run("check", tmp_path / "pool.xlsx", tmp_path / "quotas.xlsx", "--k", "6")
    assert result.exit_code == 0, result.output


def test_a_missing_panel_size_is_a_usage_error() -> None:
    assert run("check", POOL, QUOTAS).exit_code == 2


# --- select: the failure paths (no solver needed) ------------------------------------------


def test_select_with_impossible_quotas(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "selected.csv").write_text("an earlier run's panel\n", encoding="utf-8")
    result = run(
        "select",
        POOL,
        tight_quotas(tmp_path),
        *BASE,
        "--seed",
        "7",
        "--mip-solver",
        "cbc",
        "--out",
        out,
    )
    assert result.exit_code == 3
    assert "gender female: minimum 5 cannot be met, 4 can" in result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["infeasible"] is True
    assert (report["seed"], report["mip_solver"]) == (7, "cbc")
    assert {
        "category": "gender",
        "value": "female",
        "bound": "min",
        "current": 5,
        "suggested": 4,
        "message": "gender female: minimum 5 cannot be met, 4 can",
    } in report["suggestions"]
    assert not (out / "selected.csv").exists()


def test_select_with_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("select", POOL, QUOTAS, "--k", "6", "--id-column", "nr", "--out", out)
    assert result.exit_code == 1
    assert "there is no id column 'nr'" in result.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["infeasible"] is True
    assert report["input_errors"][0]["file"] == str(POOL)
    assert report["input_errors"][0]["row"] == 1


# --- select: a real selection (needs sortition.selection) ----------------------------------


def select_into(out: Path, *extra: str) -> Result:
    pytest.importorskip("sortition.selection")
    return run("select", POOL, QUOTAS, *BASE, "--seed", "42", "--out", out, *extra)


def test_select_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = select_into(out)
    assert result.exit_code == 0, result.output
    loaded, quotas = read_inputs(
        POOL, QUOTAS, id_column="person_id", address_columns=["street", "postcode"]
    )
    pool = loaded.pool
    selected = pd.read_csv(out / "selected.csv", dtype="string")
    assert list(selected.columns) == list(loaded.table.columns)
    chosen = selected["person_id"].tolist()
    assert len(chosen) == 6
    for q in quotas:
        assert q.min <= sum(pool[p].features[q.category] == q.value for p in chosen) <= q.max
    houses = [pool[p].household for p in chosen if pool[p].household is not None]
    assert len(houses) == len(set(houses))
    remaining = pd.read_csv(out / "remaining.csv", dtype="string")["person_id"].tolist()
    assert set(remaining).isdisjoint(chosen)
    assert not {pool[p].household for p in remaining} & set(houses)
    assert set(remaining) | set(chosen) | {p.id for p in pool if p.household in set(houses)} == set(
        pool.ids
    )
    probabilities = pd.read_csv(out / "probabilities.csv", dtype={"id": "string"})
    assert list(probabilities.columns) == ["id", "probability"]
    assert probabilities["id"].tolist() == list(pool.ids)
    assert probabilities["probability"].sum() == pytest.approx(6, abs=1e-6)
    alternates = pd.read_csv(out / "alternates.csv", dtype="string")
    assert alternates["rank"].tolist() == [str(i + 1) for i in range(len(alternates))]
    assert set(alternates["person_id"]).isdisjoint(chosen)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ("algorithm", "n", "k", "min_probability", "max_probability", "gini"):
        assert key in report
    for key in ("support_size", "lp_gap", "seconds", "seed", "infeasible"):
        assert key in report
    assert (report["algorithm"], report["n"], report["k"]) == ("leximin", 12, 6)
    assert (report["seed"], report["infeasible"]) == (42, False)
    assert report["panel"] == chosen
    assert "Selected 6 of 12" in result.stdout


def test_select_again_with_the_same_seed(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert select_into(first).exit_code == 0
    assert select_into(second).exit_code == 0
    for name in ("selected.csv", "probabilities.csv", "alternates.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


@pytest.mark.parametrize("algorithm", ["maximin", "nash", "legacy"])
def test_select_other_algorithms(tmp_path: Path, algorithm: str) -> None:
    result = select_into(tmp_path / algorithm, "--algorithm", algorithm)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / algorithm / "report.json").read_text(encoding="utf-8"))
    assert report["algorithm"] == algorithm


@pytest.fixture
def cbc_solves(monkeypatch: pytest.MonkeyPatch, cbc_calls: list[str]) -> list[str]:
    """What each CBC solve of the test solved. LEXIMIN goes level by level here: on this
    small pool the split of the relaxation's optimum finds every panel by LP and would need
    no integer program."""
    monkeypatch.setattr(leximin_module, "relaxed_leximin", lambda model, deadline: None)
    return cbc_calls


@pytest.mark.parametrize("how", ["option", "environment", "default"])
def test_select_mip_solver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cbc_solves: list[str], how: str
) -> None:
    """``--mip-solver cbc``, or KLEROTERION_MIP_SOLVER=cbc read by the command line, sends the
    integer programs to CBC and report.json says so; by default HiGHS solves them."""
    monkeypatch.delenv("KLEROTERION_MIP_SOLVER", raising=False)
    extra = ["--mip-solver", "cbc"] if how == "option" else []
    if how == "environment":
        monkeypatch.setenv("KLEROTERION_MIP_SOLVER", "cbc")
    out = tmp_path / "out"
    result = select_into(out, *extra)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    expected = "highs" if how == "default" else "cbc"
    assert (report["mip_solver"], report["algorithm"], report["seed"]) == (expected, "leximin", 42)
    assert bool(cbc_solves) == (expected == "cbc")


def test_select_the_option_beats_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cbc_solves: list[str]
) -> None:
    monkeypatch.setenv("KLEROTERION_MIP_SOLVER", "cbc")
    result = select_into(tmp_path / "out", "--mip-solver", "HiGHS")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["mip_solver"] == "highs"
    assert cbc_solves == []


def test_select_rejects_an_unknown_mip_solver(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KLEROTERION_MIP_SOLVER", "gurobi")
    result = run("select", POOL, QUOTAS, *BASE, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "Invalid value for '--mip-solver'" in result.stderr
    assert "'gurobi' is not one of 'highs', 'cbc'" in result.stderr


def test_select_row_number_ids(tmp_path: Path) -> None:
    pytest.importorskip("sortition.selection")
    shutil.copy(QUOTAS, tmp_path / "q.csv")
    pd.read_csv(POOL, dtype="string").drop(columns=["person_id"]).to_csv(
        tmp_path / "p.csv", index=False
    )
    out = tmp_path / "out"
    result = run("select", tmp_path / "p.csv", tmp_path / "q.csv", "--k", "6", "--out", out)
    assert result.exit_code == 0, result.output
    selected = pd.read_csv(out / "selected.csv", dtype="string")
    assert selected.columns[0] == "row"
    assert set(selected["row"]) <= {str(r) for r in range(2, 14)}


# --- the progress bar ----------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with solving.progress_bar() as progress:
        assert progress is None
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with solving.progress_bar() as progress:
        assert progress is not None
        progress("level 1", 0.5)
        progress("level 2", None)
        progress("done", 1.0)
    shown = terminal.getvalue()
    assert "level 1" in shown and "50%" in shown
    assert "level 2" in shown and "100%" in shown
