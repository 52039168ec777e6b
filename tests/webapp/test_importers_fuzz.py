"""Property tests over the web app's importers: the register upload (its header, its sample
of values and the register itself), the census shares file, the proposals CSV file and the
code reader. Arbitrary bytes, encodings and odd Unicode digits give the clear error naming
the file (and row and column where there is one), never another exception (a 500)."""

from __future__ import annotations

import io
import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sortition.errors import InputErrors
from tests.conftest import make_app
from tests.sortition.test_importers_fuzz import ODD, encoded, table_text
from tests.webapp.staff_data import make_jury
from webapp.codes import CodeNotFound, find_invitation
from webapp.extensions import db
from webapp.lottery.register import (
    RegisterColumns,
    read_columns,
    read_register_file,
    sample_values,
)
from webapp.models import Jury
from webapp.proposals.csvfile import CsvProblems, read_proposals_csv
from webapp.quotas.census import CensusFileError, read_census_file
from webapp.replies.forms import CodeForm  # noqa: F401  (the form the code reader serves)

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_counter = itertools.count()


@pytest.fixture(scope="module")
def fuzz_app() -> Iterator[Flask]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-app-"))
    app = make_app(f"sqlite:///{folder / 'db.sqlite'}")
    with app.app_context():
        make_jury("Parks jury", slug="parks")
        db.session.commit()
    with app.test_request_context("/"):
        yield app
    with app.app_context():
        db.engine.dispose()


def _file(data: bytes, suffix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="fuzz-")) / f"upload{next(_counter)}{suffix}"
    path.write_bytes(data)
    return path


def _named(problems: list[str], name: str) -> None:
    assert problems
    for problem in problems:
        assert str(problem).startswith(name), problem


REGISTER = ["district", "street", "number", "name", "gender", "year"]
COLUMNS = RegisterColumns(
    stratum="district",
    household=("street", "number"),
    id=None,
    addressee="name",
    address=("street+number",),
    gender="gender",
    birth_year="year",
)


@FUZZ
@given(data=encoded(table_text(REGISTER)), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_register_upload_gives_only_located_errors(
    fuzz_app: Flask, data: bytes, suffix: str
) -> None:
    path = _file(data, suffix)
    name = "register" + suffix
    for read in (
        lambda: read_columns(path, name=name),
        lambda: sample_values(path, name=name),
        lambda: read_register_file(path, COLUMNS, name=name),
    ):
        try:
            read()
        except InputErrors as exc:
            assert exc.problems
            for problem in exc.problems:
                assert problem.file == name and problem.message.strip()
                assert problem.row is None or problem.row >= 1


CENSUS = ["category", "value", "percent"]
percent_cells = st.sampled_from(
    ["12,5", "12.5%", "²³", "①⑨", "١٢", "１２", "1e400", "nan", "-0", "100", "HUGE"]
)


@FUZZ
@given(
    data=st.one_of(
        encoded(table_text(CENSUS)),
        st.builds(
            lambda district, percent: (
                f"category,value,percent\ndistrict,{district},{percent}\n".encode()
            ),
            st.text(alphabet=ODD, max_size=5),
            percent_cells,
        ),
    )
)
# Found by this test: a cell past the csv module's field limit (csv.Error).
@example(data=b"category,value,percent\ndistrict,North,HUGE\n")
def test_census_file_gives_only_located_errors(fuzz_app: Flask, data: bytes) -> None:
    jury = db.session.query(Jury).filter_by(slug="parks").one()
    data = data.replace(b"HUGE", b"7" * 200_000)  # past the csv module's field limit
    try:
        read_census_file(data, "census.csv", jury)
    except CensusFileError as exc:
        _named([str(p) for p in exc.problems], "census.csv")


PROPOSALS = ["title", "summary", "supports", "link", "id"]
supports_cells = st.sampled_from(
    ["1.234", "²³⁴⁵", "①⑨⑧⓪", "١٢", "１２", "9" * 5000, "99999999999", "-3", "1 000", "HUGE"]
)


@FUZZ
@given(
    data=st.one_of(
        encoded(table_text(PROPOSALS)),
        st.builds(
            lambda title, supports: f"title,supports\n{title},{supports}\n".encode(),
            st.text(alphabet=ODD + "abc", min_size=1, max_size=8).filter(
                lambda t: t.strip() and "," not in t and "\n" not in t and "\r" not in t
            ),
            supports_cells,
        ),
    )
)
# Found by this test: superscript digits passed isdigit() and broke int(); a count too large
# for the 32-bit column.
@example(data="title,supports\nA,²³⁴⁵\n".encode())
@example(data=b"title,supports\nA,99999999999\n")
def test_proposals_file_gives_only_located_errors(fuzz_app: Flask, data: bytes) -> None:
    data = data.replace(b"HUGE", b"7" * 200_000)
    try:
        imported = read_proposals_csv(io.BytesIO(data), filename="proposals.csv")
    except CsvProblems as exc:
        _named([str(p) for p in exc.problems], "proposals.csv")
    else:
        for item in imported:
            assert item.supports is None or 0 <= item.supports < 2**31


@settings(max_examples=1000, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.text(alphabet=ODD + "ABCDEFGHJKMNPQRSTVWXYZ0123456789-", max_size=20),
        st.builds(lambda t: "https://x/reply#code=" + t, st.text(max_size=20)),
    )
)
def test_code_reader_says_only_why_a_code_was_not_found(fuzz_app: Flask, text: str) -> None:
    with pytest.raises(CodeNotFound) as caught:
        find_invitation(text)  # the jury has no letters: no text finds an invitation
    assert caught.value.problem.value in {"empty", "format", "typo", "unknown"}
