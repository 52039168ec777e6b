"""The ``sortition tables`` command: files written, exit codes, errors naming file, row and
column."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner, Result

from sortition.cli import main


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def members_file(folder: Path, n: int = 12) -> Path:
    path = folder / "members.csv"
    rows = ["id,gender,district"] + [f"p{i},{'wm'[i % 2]},{'ABC'[i % 3]}" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_tables_writes_the_schedule_and_the_report(tmp_path: Path) -> None:
    members = members_file(tmp_path)
    present = tmp_path / "present.csv"
    present.write_text("sitting,id\n" + "".join(f"2,p{i}\n" for i in range(10)), encoding="utf-8")
    rules = tmp_path / "rules.csv"
    rules.write_text(
        "rule,members,table\napart,p0 p2,\ntogether,p4;p6,\nfixed,p8,3\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    result = run(
        "tables", members, "--id-column", "id", "--tables", "3", "--sittings", "3",
        "--categories", "gender,district:soft", "--present", present, "--rules", rules,
        "--facilitators", "Ana,Ben,Cas", "--seed", "5", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "repeated meetings" in result.output
    tables = pd.read_csv(out / "tables.csv", dtype=str)
    assert list(tables.columns) == ["sitting", "table", "id"]
    assert len(tables) == 12 + 10 + 12  # sitting 2 has p10 and p11 absent
    assert not ((tables["sitting"] == "2") & tables["id"].isin(["p10", "p11"])).any()
    by_sitting = {
        s: dict(zip(g["id"], g["table"], strict=True)) for s, g in tables.groupby("sitting")
    }
    for seating in by_sitting.values():
        assert seating["p0"] != seating["p2"]
        assert seating["p4"] == seating["p6"]
        assert seating["p8"] == "3"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for key in ("repeated_pairs", "distinct_pairs", "tables_off_share", "lower_bound", "seconds"):
        assert key in report
    assert report["seed"] == 5
    assert report["categories"] == {"gender": "strict", "district": "soft"}
    assert report["files"] == {
        "members": str(members),
        "present": str(present),
        "rules": str(rules),
    }
    facilitators = pd.read_csv(out / "facilitators.csv", dtype=str)
    assert sorted(facilitators[facilitators["sitting"] == "1"]["facilitator"]) == [
        "Ana",
        "Ben",
        "Cas",
    ]


def test_history_from_an_earlier_run_is_counted(tmp_path: Path) -> None:
    members = members_file(tmp_path, n=4)
    history = tmp_path / "history.csv"
    history.write_text("sitting,table,id\n1,1,p0\n1,1,p1\n1,2,p2\n1,2,p3\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "tables", members, "--id-column", "id", "--tables", "2", "--sittings", "1",
        "--history", history, "--seed", "1", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["repeated_pairs"] == 0
    assert report["distinct_pairs"] == 4


def test_table_size_instead_of_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "tables", members_file(tmp_path, n=11), "--id-column", "id", "--table-size", "4",
        "--sittings", "1", "--seed", "1", "--out", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(pd.read_csv(out / "tables.csv")["table"].unique()) == [1, 2, 3]


def test_bad_files_name_file_row_and_column(tmp_path: Path) -> None:
    members = tmp_path / "members.csv"
    members.write_text("id,gender\np0,w\np1,\np0,m\n", encoding="utf-8")
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,members,table\nnear,p0 p1,\nfixed,p0,zero\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "tables", members, "--id-column", "id", "--tables", "2", "--sittings", "2",
        "--categories", "gender", "--rules", rules, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"{members}, row 3, column 'gender': the value is empty" in result.stderr
    assert f"{members}, row 4, column 'id': the id 'p0' appears twice (also on row 2)" in (
        result.stderr
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["error"] == "input"


def test_bad_present_and_rules_are_reported_together(tmp_path: Path) -> None:
    members = members_file(tmp_path, n=4)
    present = tmp_path / "present.csv"
    present.write_text("sitting,id\n1,p0\n9,p1\n1,zz\n", encoding="utf-8")
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,members,table\nnear,p0 p1,\nfixed,p0,zero\n", encoding="utf-8")
    result = run(
        "tables", members, "--id-column", "id", "--tables", "2", "--sittings", "2",
        "--present", present, "--rules", rules, "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"{present}, row 3, column 'sitting': '9' is not a whole number from 1 to 2" in (
        result.stderr
    )
    assert f"{present}, row 4, column 'id': 'zz' is not a member" in result.stderr
    assert f"{rules}, row 2, column 'rule': unknown rule 'near'" in result.stderr
    assert f"{rules}, row 3, column 'table': 'zero' is not a whole number" in result.stderr


def test_missing_column_is_named(tmp_path: Path) -> None:
    result = run(
        "tables", members_file(tmp_path), "--id-column", "person", "--tables", "2",
        "--sittings", "1", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "row 1: there is no column 'person'; the columns are 'id', 'gender'" in result.stderr


def test_impossible_rules_exit_3_and_name_the_rule(tmp_path: Path) -> None:
    rules = tmp_path / "rules.csv"
    rules.write_text("rule,members,table\nfixed,p0 p1,1\napart,p0 p1,\n", encoding="utf-8")
    out = tmp_path / "out"
    result = run(
        "tables", members_file(tmp_path), "--id-column", "id", "--tables", "3",
        "--sittings", "1", "--rules", rules, "--out", out,
    )  # fmt: skip
    assert result.exit_code == 3
    assert "keep apart p0, p1: both are fixed to table 1" in result.stderr
    assert not (out / "tables.csv").exists()
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["error"] == "rules"


def test_tables_and_table_size_exclude_each_other(tmp_path: Path) -> None:
    result = run(
        "tables", members_file(tmp_path), "--id-column", "id", "--sittings", "1",
        "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "give either --tables or --table-size" in result.output


def test_unknown_mixing_mode_is_refused(tmp_path: Path) -> None:
    result = run(
        "tables", members_file(tmp_path), "--id-column", "id", "--tables", "2",
        "--sittings", "1", "--categories", "gender:loose", "--out", tmp_path / "out",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "gender:loose" in result.output
