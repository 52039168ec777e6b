"""Reading pools and quotas: formats, matching, and every kind of malformed file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sortition.errors import InputErrors, InputProblem
from sortition.model import Quota
from sortition.tabular import people_table, read_inputs, read_pool, read_quotas

QUOTAS = "feature,value,min,max\ngender,female,1,2\ngender,male,1,2\nage,young,0,2\nage,old,0,2\n"
POOL = "id,Name,gender,age,street,postcode\n"
POOL += "a1,Ann,female,young,Calle Mayor 5,28001\n"
POOL += "b2,Bob,male,old,calle mayor, 5,28001\n".replace("mayor, 5", "mayor 5")
POOL += "c3,Cid,male,young,Otra 1,28002\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def problems_of(error: pytest.ExceptionInfo[InputErrors]) -> list[InputProblem]:
    return list(error.value.problems)


def only_problem(error: pytest.ExceptionInfo[InputErrors]) -> InputProblem:
    (problem,) = error.value.problems
    return problem


# --- quota formats -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["feature,value,min,max", "category,name,min,max", "category,feature,min,max"],
)
def test_the_three_quota_formats(tmp_path: Path, header: str) -> None:
    path = write(tmp_path, "q.csv", f"{header}\ngender,female,1,2\nAge, 16-29 ,0,3\n")
    quotas = read_quotas(path)
    assert quotas.items == (Quota("gender", "female", 1, 2), Quota("Age", "16-29", 0, 3))


def test_flex_columns_are_read(tmp_path: Path) -> None:
    text = "feature,value,min,max,min_flex,max_flex\ngender,female,3,5,1,7\ngender,male,3,5,,\n"
    quotas = read_quotas(write(tmp_path, "q.csv", text))
    assert quotas.items == (
        Quota("gender", "female", 3, 5, 1, 7),
        Quota("gender", "male", 3, 5, None, None),
    )


def test_header_case_spaces_semicolons_and_a_bom(tmp_path: Path) -> None:
    text = "\ufeff Feature ;VALUE; Min ;MAX\ngender;female;1;2\n"
    assert read_quotas(write(tmp_path, "q.csv", text)).items == (Quota("gender", "female", 1, 2),)


def test_windows_1252_csv(tmp_path: Path) -> None:
    path = write(tmp_path, "q.csv", "feature,value,min,max\ndistrict,Chamberí,1,2\n", "cp1252")
    assert read_quotas(path).items == (Quota("district", "Chamberí", 1, 2),)


def test_bounds_written_as_decimals_by_a_spreadsheet(tmp_path: Path) -> None:
    path = write(tmp_path, "q.csv", "feature,value,min,max\ngender,female,1.0,2\n")
    assert read_quotas(path).items == (Quota("gender", "female", 1, 2),)


def test_xlsx_quotas_and_pool(tmp_path: Path) -> None:
    quotas = pd.DataFrame(
        {"category": ["gender", "gender"], "name": ["female", "male"], "min": [1, 1], "max": [2, 2]}
    )
    pool = pd.DataFrame({"number": [10, 11, 12], "gender": ["Female", "male", "MALE"]})
    quotas.to_excel(tmp_path / "q.xlsx", index=False)
    pool.to_excel(tmp_path / "p.xlsx", index=False)
    loaded, read = read_inputs(tmp_path / "p.xlsx", tmp_path / "q.xlsx", id_column="number")
    assert read.items == (Quota("gender", "female", 1, 2), Quota("gender", "male", 1, 2))
    assert loaded.pool.ids == ("10", "11", "12")
    assert [p.features["gender"] for p in loaded.pool] == ["female", "male", "male"]


# --- the pool ------------------------------------------------------------------------------


def test_pool_matches_quota_spelling_and_keeps_every_column(tmp_path: Path) -> None:
    quotas = read_quotas(write(tmp_path, "q.csv", QUOTAS.replace("gender", "Gender")))
    text = "ID,Name, GENDER ,age\nx, Ann ,  Female ,YOUNG\ny,Bob,male,old\n"
    loaded = read_pool(write(tmp_path, "p.csv", text), quotas, id_column="id")
    first = loaded.pool["x"]
    assert dict(first.features) == {"Gender": "female", "age": "young"}
    assert first.household is None
    assert list(loaded.table.columns) == ["ID", "Name", "GENDER", "age"]
    assert loaded.table.loc[2, "Name"] == " Ann "


def test_ids_default_to_spreadsheet_row_numbers(tmp_path: Path) -> None:
    quotas = read_quotas(write(tmp_path, "q.csv", QUOTAS))
    text = "gender,age\nfemale,young\n\nmale,old\n"
    loaded = read_pool(write(tmp_path, "p.csv", text), quotas)
    assert loaded.pool.ids == ("2", "4")
    table = people_table(loaded, ["4"])
    assert list(table.columns) == ["row", "gender", "age"]
    assert table.iloc[0].tolist() == ["4", "male", "old"]


def test_addresses_give_households(tmp_path: Path) -> None:
    quotas = read_quotas(write(tmp_path, "q.csv", QUOTAS))
    pool = read_pool(
        write(tmp_path, "p.csv", POOL),
        quotas,
        id_column="id",
        address_columns=["Street", "postcode"],
    ).pool
    assert pool["a1"].household == pool["b2"].household == "calle mayor 5 | 28001"
    assert pool.households() == {"calle mayor 5 | 28001": ("a1", "b2")}


def test_people_table_keeps_the_order_asked(tmp_path: Path) -> None:
    quotas = read_quotas(write(tmp_path, "q.csv", QUOTAS))
    loaded = read_pool(write(tmp_path, "p.csv", POOL), quotas, id_column="id")
    table = people_table(loaded, ["c3", "a1"])
    assert table["Name"].tolist() == ["Cid", "Ann"]
    assert list(table.columns) == ["id", "Name", "gender", "age", "street", "postcode"]


# --- malformed files: each problem names file, row and column ------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as error:
        read_quotas(tmp_path / "nope.csv")
    assert only_problem(error) == InputProblem(
        str(tmp_path / "nope.csv"), None, None, "no such file"
    )


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    with pytest.raises(InputErrors) as error:
        read_quotas(write(tmp_path, "q.csv", text))
    assert "empty" in only_problem(error).message


def test_header_without_rows(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as error:
        read_quotas(write(tmp_path, "q.csv", "feature,value,min,max\n"))
    assert "no rows" in only_problem(error).message


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputErrors) as error:
        read_quotas(path)
    problem = only_problem(error)
    assert (problem.file, problem.row, problem.column) == (str(path), None, None)
    assert "binary" in problem.message


def test_corrupt_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path, "q.xlsx", "this is not a workbook")
    with pytest.raises(InputErrors) as error:
        read_quotas(path)
    assert "cannot be read as an Excel workbook" in only_problem(error).message


def test_unknown_quota_header(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as error:
        read_quotas(write(tmp_path, "q.csv", "group,label,min,max\ngender,female,1,2\n"))
    problem = only_problem(error)
    assert problem.row == 1
    assert "feature,value,min,max" in problem.message and "group,label" in problem.message


def test_missing_bound_columns(tmp_path: Path) -> None:
    with pytest.raises(InputErrors) as error:
        read_quotas(write(tmp_path, "q.csv", "feature,value,lower\ngender,female,1\n"))
    assert [p.message for p in problems_of(error)] == [
        "the column 'min' is missing",
        "the column 'max' is missing",
    ]


def test_every_bad_quota_row_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        "feature,value,min,max,min_flex,max_flex\n"
        "gender,female,two,3,,\n"  # row 2: not a number
        "gender,male,-1,3,,\n"  # row 3: negative
        "gender,other,4,3,,\n"  # row 4: min > max
        " Gender , FEMALE ,1,2,,\n"  # row 5: duplicate of row 2
        ",x,1,2,,\n"  # row 6: empty category
        "age,old,2,5,3,4\n"  # row 7: min_flex > min and max_flex < max
        "age,young,1,,,\n"  # row 8: empty max
        "age,mid,1.5,2,,\n"  # row 9: not whole
    )
    path = write(tmp_path, "q.csv", text)
    with pytest.raises(InputErrors) as error:
        read_quotas(path)
    found = {(p.file, p.row, p.column): p.message for p in problems_of(error)}
    assert found == {
        (str(path), 2, "min"): "must be a whole number, 0 or more; it is 'two'",
        (str(path), 3, "min"): "must be a whole number, 0 or more; it is '-1'",
        (str(path), 4, "min"): "the minimum 4 is more than the maximum 3",
        (str(path), 5, "value"): "Gender FEMALE appears twice (first on row 2)",
        (str(path), 6, "feature"): "the category is empty",
        (str(path), 7, "min_flex"): "min_flex 3 is more than the minimum 2",
        (str(path), 7, "max_flex"): "max_flex 4 is less than the maximum 5",
        (str(path), 8, "max"): "must be a whole number, 0 or more; it is empty",
        (str(path), 9, "min"): "must be a whole number, 0 or more; it is '1.5'",
    }


def test_row_with_too_many_cells(tmp_path: Path) -> None:
    path = write(
        tmp_path, "q.csv", "feature,value,min,max\ngender,female,1,2,9\ngender,male,1,2,,\n"
    )
    with pytest.raises(InputErrors) as error:
        read_quotas(path)
    problem = only_problem(error)
    assert (problem.row, problem.column) == (2, None)
    assert "5 cells" in problem.message


def test_duplicate_and_unnamed_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "id,gender,Gender,,age\n1,female,female,x,old\n")
    with pytest.raises(InputErrors) as error:
        read_pool(path, read_quotas(write(tmp_path, "q.csv", QUOTAS)))
    assert [(p.row, p.column, p.message) for p in problems_of(error)] == [
        (1, "Gender", "the column name appears twice (also as 'gender')"),
        (1, None, "column 4 has no name"),
    ]


def test_every_bad_pool_row_is_reported_at_once(tmp_path: Path) -> None:
    quotas = read_quotas(write(tmp_path, "q.csv", QUOTAS + "region,north,0,2\n"))
    text = (
        "id,gender,age,street\n"
        "a,female,young,x\n"
        "a,male,old,y\n"  # row 3: duplicate id
        ",female,old,z\n"  # row 4: empty id
        "d,robot,old,w\n"  # row 5: value without a quota
        "e,male,,v\n"  # row 6: empty value
    )
    path = write(tmp_path, "p.csv", text)
    with pytest.raises(InputErrors) as error:
        read_pool(path, quotas, id_column="id", address_columns=["street", "zip"])
    found = {(p.row, p.column): p.message for p in problems_of(error)}
    assert set(found) == {(3, "id"), (4, "id"), (1, None), (5, "gender"), (6, "age")}
    assert found[3, "id"] == "the id 'a' is also on row 2"
    assert found[4, "id"] == "the id is empty"
    assert (
        found[5, "gender"]
        == "'robot' has no quota in 'gender'; the quota file has 'female', 'male'"
    )
    assert found[6, "age"] == "the age is empty; the quota file allows 'young', 'old'"
    header_messages = [p.message for p in problems_of(error) if p.row == 1]
    assert any("no address column 'zip'" in m for m in header_messages)
    assert any("category 'region' but the pool has no such column" in m for m in header_messages)
    assert all(p.file == str(path) for p in problems_of(error))


def test_unknown_id_column(tmp_path: Path) -> None:
    quotas = read_quotas(write(tmp_path, "q.csv", QUOTAS))
    with pytest.raises(InputErrors) as error:
        read_pool(write(tmp_path, "p.csv", POOL), quotas, id_column="nationbuilder_id")
    problem = only_problem(error)
    assert problem.row == 1 and "no id column 'nationbuilder_id'" in problem.message


def test_read_inputs_reports_both_files(tmp_path: Path) -> None:
    quotas = write(tmp_path, "q.csv", "feature,value,min,max\ngender,female,x,2\n")
    pool = write(tmp_path, "p.csv", "id,gender\n1,female\n1,female\n2,robot\n")
    with pytest.raises(InputErrors) as error:
        read_inputs(pool, quotas, id_column="id")
    assert [(p.file, p.row, p.column) for p in problems_of(error)] == [
        (str(quotas), 2, "min"),
        (str(pool), 3, "id"),
        (str(pool), 4, "gender"),  # checked against the quota rows that name a value
    ]
    assert f"{pool}, row 3, column 'id': the id '1' is also on row 2" in str(error.value)
