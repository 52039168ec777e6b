"""The files of ``sortition tables`` (sortition/tables/files.py): every bad input named by
file, row and column (the whole message asserted), every good one read exactly, and the
schedule written back and read again."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sortition.cli import main
from sortition.errors import InputErrors
from sortition.tables.files import (
    facilitator_table,
    read_history,
    read_members,
    read_present,
    read_rules,
    schedule_table,
)
from sortition.tables.model import Breakout, Member, Rules, TablesReport, TablesResult
from sortition.tabular import write_csv


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def messages(error: pytest.ExceptionInfo[InputErrors]) -> list[str]:
    return [str(p) for p in error.value.problems]


def report() -> TablesReport:
    return TablesReport(0, 0, 0, 0, {}, 0, 0, 0.0, 1, 0, False)


# --- members --------------------------------------------------------------------------------


def test_members_are_read_with_their_categories(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "Id,Gender, Age \n a1 ,w,16-29\na2, m  x ,30 - 44\n")
    members = read_members(path, id_column="id", categories=["gender", "AGE"])
    # values keyed by the names asked for, white space inside a value made single
    assert members == [
        Member("a1", {"gender": "w", "AGE": "16-29"}),
        Member("a2", {"gender": "m x", "AGE": "30 - 44"}),
    ]


def test_members_without_categories_are_ids_only(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "id,gender\nb,\na,w\n")
    assert read_members(path, id_column="ID", categories=[]) == [Member("b"), Member("a")]


def test_every_bad_member_row_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "id,gender,age\na,w,1\n ,m,2\na,,3\nb,w, \na,m,4\n")
    with pytest.raises(InputErrors) as error:
        read_members(path, id_column="id", categories=["gender", "age"])
    assert messages(error) == [
        f"{path}, row 3, column 'id': the id is empty",
        f"{path}, row 4, column 'id': the id 'a' appears twice (also on row 2)",
        f"{path}, row 4, column 'gender': the value is empty",
        f"{path}, row 5, column 'age': the value is empty",
        f"{path}, row 6, column 'id': the id 'a' appears twice (also on row 2)",
    ]


def test_missing_member_columns_are_all_named(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "id,Gender\na,w\n")
    with pytest.raises(InputErrors) as error:
        read_members(path, id_column="person", categories=["gender", "age"])
    listing = "the columns are 'id', 'Gender'"
    assert messages(error) == [
        f"{path}, row 1: there is no column 'person'; {listing}",
        f"{path}, row 1: there is no column 'age'; {listing}",
    ]


def test_missing_category_column_alone_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path / "m.csv", "id,gender\na,w\n")
    with pytest.raises(InputErrors) as error:
        read_members(path, id_column="id", categories=["gender", "age"])
    assert messages(error) == [
        f"{path}, row 1: there is no column 'age'; the columns are 'id', 'gender'"
    ]


def test_a_missing_members_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    with pytest.raises(InputErrors) as error:
        read_members(path, id_column="id", categories=[])
    assert messages(error) == [f"{path}: no such file"]


# --- who is present -------------------------------------------------------------------------


def test_present_lists_each_sitting_and_everyone_where_not_mentioned(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "Sitting,ID\n3,c\n1, b \n3,a\n")
    present = read_present(path, ids=["a", "b", "c"], sittings=4)
    assert present == [["b"], ["a", "b", "c"], ["c", "a"], ["a", "b", "c"]]


def test_every_bad_present_row_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path / "p.csv",
        "sitting,id\n0,a\n4,a\nx,b\n1,\n1,zz\n-1,a\n1.0,a\n²,a\n①,b\n3,a\n",
    )
    with pytest.raises(InputErrors) as error:
        read_present(path, ids=["a", "b"], sittings=3)
    where = f"{path}, row"
    assert messages(error) == [
        f"{where} 2, column 'sitting': '0' is not a whole number from 1 to 3",
        f"{where} 3, column 'sitting': '4' is not a whole number from 1 to 3",
        f"{where} 4, column 'sitting': 'x' is not a whole number from 1 to 3",
        f"{where} 5, column 'id': the id is empty",
        f"{where} 6, column 'id': 'zz' is not a member",
        f"{where} 7, column 'sitting': '-1' is not a whole number from 1 to 3",
        f"{where} 8, column 'sitting': '1.0' is not a whole number from 1 to 3",
        f"{where} 9, column 'sitting': '²' is not a whole number from 1 to 3",
        f"{where} 10, column 'sitting': '①' is not a whole number from 1 to 3",
    ]


def test_present_without_its_columns_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "meeting,person\n1,a\n")
    with pytest.raises(InputErrors) as error:
        read_present(path, ids=["a"], sittings=1)
    listing = "the columns are 'meeting', 'person'"
    assert messages(error) == [
        f"{path}, row 1: there is no column 'sitting'; {listing}",
        f"{path}, row 1: there is no column 'id'; {listing}",
    ]


def test_an_empty_present_file_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "p.csv", "")
    with pytest.raises(InputErrors) as error:
        read_present(path, ids=["a"], sittings=1)
    assert messages(error) == [f"{path}: the file is empty (no header row)"]


# --- the tables already held ----------------------------------------------------------------


def test_history_groups_rows_by_sitting_and_table_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path / "h.csv",
        "sitting,table,id\n2,1,a\n1,2,b\n1,1,c\n1,2,gone\n2,1,d\n1,1,a\n5,3,b\n",
    )
    # ids no longer members are kept; the sittings in their order, tables in theirs
    assert read_history(path, ids=["a", "b", "c", "d"]) == [
        [["c", "a"], ["b", "gone"]],
        [["a", "d"]],
        [["b"]],
    ]


def test_every_bad_history_row_is_named(tmp_path: Path) -> None:
    path = write(tmp_path / "h.csv", "sitting,table,id\n0,1,a\n1,0,a\n1,1,\nx,y,b\n1,1,a\n")
    with pytest.raises(InputErrors) as error:
        read_history(path, ids=["a"])
    where = f"{path}, row"
    assert messages(error) == [
        f"{where} 2, column 'sitting': '0' is not a whole number (1 or more)",
        f"{where} 3, column 'table': '0' is not a whole number (1 or more)",
        f"{where} 4, column 'id': the id is empty",
        f"{where} 5, column 'sitting': 'x' is not a whole number (1 or more)",
        f"{where} 5, column 'table': 'y' is not a whole number (1 or more)",
    ]


@pytest.mark.parametrize("missing", ["sitting", "table", "id"])
def test_history_without_a_column_is_named(tmp_path: Path, missing: str) -> None:
    header = [c for c in ("sitting", "table", "id") if c != missing]
    path = write(tmp_path / "h.csv", ",".join(header) + "\n1,a\n")
    with pytest.raises(InputErrors) as error:
        read_history(path, ids=["a"])
    listing = ", ".join(repr(c) for c in header)
    assert messages(error) == [
        f"{path}, row 1: there is no column {missing!r}; the columns are {listing}"
    ]


# --- rules ----------------------------------------------------------------------------------


def test_rules_are_read_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "Rule,Members,Table\nAPART ,a b,\n together,a;b; c,\nfixed,d,2\napart,c;d,7\n"
        "Fixed, b  c ,1\n",
    )
    assert read_rules(path, ids=["a", "b", "c", "d"]) == Rules(
        keep_apart=(("a", "b"), ("c", "d")),
        keep_together=(("a", "b", "c"),),
        fixed=(("d", 2), ("b", 1), ("c", 1)),
    )


def test_every_bad_rule_row_is_named(tmp_path: Path) -> None:
    path = write(
        tmp_path / "r.csv",
        "rule,members,table\nnear,a b,\napart,a,\napart,a b c,\ntogether,a,\n"
        "fixed,,1\nfixed,a,0\nfixed,a,\napart,a zz,\nKeep  Apart,a b,\nfixed,b,²\n",
    )
    with pytest.raises(InputErrors) as error:
        read_rules(path, ids=["a", "b", "c"])
    where = f"{path}, row"
    assert messages(error) == [
        f"{where} 2, column 'rule': unknown rule 'near': use apart, together or fixed",
        f"{where} 3, column 'members': apart needs exactly two ids",
        f"{where} 4, column 'members': apart needs exactly two ids",
        f"{where} 5, column 'members': together needs two or more ids",
        f"{where} 6, column 'members': fixed needs at least one id",
        f"{where} 7, column 'table': '0' is not a whole number (1 or more)",
        f"{where} 8, column 'table': '' is not a whole number (1 or more)",
        f"{where} 9, column 'members': 'zz' is not a member",
        f"{where} 10, column 'rule': unknown rule 'keep apart': use apart, together or fixed",
        f"{where} 11, column 'table': '²' is not a whole number (1 or more)",
    ]


def test_rules_without_their_columns_are_named(tmp_path: Path) -> None:
    path = write(tmp_path / "r.csv", "kind,members\napart,a b\n")
    with pytest.raises(InputErrors) as error:
        read_rules(path, ids=["a", "b"])
    listing = "the columns are 'kind', 'members'"
    assert messages(error) == [
        f"{path}, row 1: there is no column 'rule'; {listing}",
        f"{path}, row 1: there is no column 'table'; {listing}",
    ]


@pytest.mark.parametrize(
    ("header", "missing"),
    [("members,table", "rule"), ("rule,table", "members"), ("rule,members", "table")],
)
def test_one_missing_rules_column_stops_the_reading(
    tmp_path: Path, header: str, missing: str
) -> None:
    # the rows are not read: only the missing column is named
    path = write(tmp_path / "r.csv", f"{header}\nnear,zz\n")
    with pytest.raises(InputErrors) as error:
        read_rules(path, ids=["a", "b"])
    listing = ", ".join(repr(c) for c in header.split(","))
    assert messages(error) == [
        f"{path}, row 1: there is no column {missing!r}; the columns are {listing}"
    ]


def test_a_rules_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as error:
        read_rules(tmp_path, ids=["a"])
    assert messages(error) == [f"{tmp_path}: this is a folder, not a file"]


# --- the schedule written ------------------------------------------------------------------


def test_schedule_and_facilitator_tables_by_hand() -> None:
    result = TablesResult(
        (
            (Breakout(1, ("a", "b"), "Ana"), Breakout(2, ("c",))),
            (Breakout(1, ("c", "a")), Breakout(2, ("b",), "Ben")),
        ),
        report(),
    )
    schedule = schedule_table(result)
    assert list(schedule.columns) == ["sitting", "table", "id"]
    assert schedule.values.tolist() == [
        [1, 1, "a"],
        [1, 1, "b"],
        [1, 2, "c"],
        [2, 1, "c"],
        [2, 1, "a"],
        [2, 2, "b"],
    ]
    facilitators = facilitator_table(result)
    assert list(facilitators.columns) == ["sitting", "table", "facilitator"]
    assert facilitators.values.tolist() == [[1, 1, "Ana"], [2, 2, "Ben"]]


ID = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("C", "Z")), min_size=1)


@st.composite
def schedules(draw: st.DrawFn) -> tuple[list[str], TablesResult]:
    ids = draw(st.lists(ID, min_size=1, max_size=8, unique=True))
    sittings = []
    for _ in range(draw(st.integers(1, 3))):
        tables = draw(st.integers(1, 3))
        seats = [draw(st.integers(0, tables - 1)) for _ in ids]
        order = draw(st.permutations(ids))
        sittings.append(
            tuple(
                Breakout(t + 1, tuple(pid for pid in order if seats[ids.index(pid)] == t))
                for t in range(tables)
            )
        )
    return ids, TablesResult(tuple(sittings), report())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedules())
def test_a_written_schedule_reads_back_as_the_history(
    tmp_path_factory: pytest.TempPathFactory, drawn: tuple[list[str], TablesResult]
) -> None:
    # ids that a spreadsheet would run as a formula ("=1", "-a") are written with a leading
    # apostrophe: the history must still name the same members
    ids, result = drawn
    path = tmp_path_factory.mktemp("h") / "tables.csv"
    write_csv(schedule_table(result), path)
    expected = [[list(b.members) for b in sitting if b.members] for sitting in result.sittings]
    assert read_history(path, ids=ids) == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(ID, st.lists(ID, min_size=1, max_size=3).map(" ".join)),
        min_size=1,
        max_size=6,
        unique_by=lambda row: row[0],
    )
)
def test_members_written_by_a_spreadsheet_read_back(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]]
) -> None:
    path = tmp_path_factory.mktemp("m") / "members.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "district"])
        writer.writerows(rows)
    members = read_members(path, id_column="id", categories=["district"])
    assert members == [Member(pid, {"district": value}) for pid, value in rows]


def test_an_empty_schedule_has_its_columns() -> None:
    empty = TablesResult(((Breakout(1, ()),),), report())
    assert list(schedule_table(empty).columns) == ["sitting", "table", "id"]
    assert schedule_table(empty).empty
    assert list(facilitator_table(empty).columns) == ["sitting", "table", "facilitator"]
    assert facilitator_table(empty).empty


# --- through the command --------------------------------------------------------------------


def test_the_command_names_a_superscript_sitting_and_exits_1(tmp_path: Path) -> None:
    members = write(tmp_path / "members.csv", "id\na\nb\n")
    present = write(tmp_path / "present.csv", "sitting,id\n²,a\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        [
            "tables", str(members), "--id-column", "id", "--tables", "1", "--sittings", "2",
            "--present", str(present), "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: 1 problem in the input files:\n"
        f"{present}, row 2, column 'sitting': '²' is not a whole number from 1 to 2\n"
    )
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["input_errors"] == [
        {
            "file": str(present),
            "row": 2,
            "column": "sitting",
            "message": "'²' is not a whole number from 1 to 2",
        }
    ]
    assert not (out / "tables.csv").exists()


def test_the_command_reads_its_own_tables_back_as_history(tmp_path: Path) -> None:
    # ids that look like formulas: tables.csv writes them with an apostrophe
    members = write(tmp_path / "members.csv", "id\n-a\n=b\n+c\n@d\n")
    args = ["tables", str(members), "--id-column", "id", "--tables", "2", "--seed", "3"]
    first = CliRunner().invoke(main, [*args, "--sittings", "1", "--out", str(tmp_path / "1")])
    assert first.exit_code == 0, first.output
    assert "'-a" in (tmp_path / "1" / "tables.csv").read_text(encoding="utf-8")
    history = str(tmp_path / "1" / "tables.csv")
    second = CliRunner().invoke(
        main, [*args, "--sittings", "1", "--history", history, "--out", str(tmp_path / "2")]
    )
    assert second.exit_code == 0, second.output
    report = json.loads((tmp_path / "2" / "report.json").read_text(encoding="utf-8"))
    # each meets at the second sitting someone new: 2 pairs met before, 2 more now
    assert (report["repeated_pairs"], report["distinct_pairs"]) == (0, 4)
