"""The stage-1 commands end to end: invite, verify-invite, letters."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner

from sortition.cli import main

REPLY_URL = "https://gemeente.example.nl/jury/antwoord"


@pytest.fixture
def register(tmp_path: Path) -> Path:
    districts = ["Centrum", "Noord", "Zuid", "Oost"]
    rows = [
        {
            "bsn": f"{100000 + i}",
            "straat": f"Herestraat {i // 2}",
            "postcode": f"97{i % 90:02d} AB",
            "plaats": "Groningen",
            "wijk": districts[(i // 2) % 4],
        }
        for i in range(600)
    ]
    path = tmp_path / "register.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def invite(runner: CliRunner, register: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = runner.invoke(
        main,
        [
            "invite",
            str(register),
            "--n",
            "40",
            "--strata",
            "wijk",
            "--household-columns",
            "straat,postcode",
            "--id-column",
            "bsn",
            "--out",
            str(out),
            *extra,
        ],
    )
    return result.exit_code, result.output


def test_invite_then_verify_matches_and_a_changed_register_does_not(
    tmp_path: Path, register: Path
) -> None:
    runner = CliRunner()
    code, output = invite(
        runner,
        register,
        tmp_path / "out",
        "--seed-text",
        "dobbelstenen 3 1 6",
        "--weights",
        "Zuid=2",
    )
    assert code == 0, output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["n"] == 40 and report["seed"]["text"] == "dobbelstenen 3 1 6"
    allocation = pd.read_csv(tmp_path / "out" / "allocation.csv")
    assert allocation["invited"].sum() == 40
    assert allocation.set_index("stratum").loc["Zuid", "weight"] == 2

    verified = runner.invoke(
        main, ["verify-invite", str(register), str(tmp_path / "out/report.json")]
    )
    assert verified.exit_code == 0, verified.output
    assert "MATCH" in verified.output

    changed = pd.read_csv(register, dtype="string")
    changed.loc[0, "straat"] = "Vismarkt 1"
    changed.to_csv(tmp_path / "changed.csv", index=False)
    mismatch = runner.invoke(
        main, ["verify-invite", str(tmp_path / "changed.csv"), str(tmp_path / "out/report.json")]
    )
    assert mismatch.exit_code == 1
    assert "SHA-256" in mismatch.output and "MISMATCH" in mismatch.output


def test_same_seed_same_draw_from_the_command_line(tmp_path: Path, register: Path) -> None:
    runner = CliRunner()
    for name in ("a", "b"):
        assert invite(runner, register, tmp_path / name, "--seed", "12345")[0] == 0
    first = pd.read_csv(tmp_path / "a/invitations.csv").drop(columns="code")
    second = pd.read_csv(tmp_path / "b/invitations.csv").drop(columns="code")
    pd.testing.assert_frame_equal(first, second)
    codes = set(pd.read_csv(tmp_path / "a/invitations.csv")["code"])
    assert not codes & set(pd.read_csv(tmp_path / "b/invitations.csv")["code"])


def test_bad_input_names_the_row_and_column(tmp_path: Path, register: Path) -> None:
    runner = CliRunner()
    frame = pd.read_csv(register, dtype="string")
    duplicate = frame.at[2, "bsn"]
    assert isinstance(duplicate, str)
    frame.at[5, "bsn"] = duplicate
    frame.to_csv(tmp_path / "dupes.csv", index=False)
    code, output = invite(runner, tmp_path / "dupes.csv", tmp_path / "out")
    assert code == 1
    assert "row 7, column 'bsn'" in output and "already on row 4" in output
    code, output = invite(runner, register, tmp_path / "out", "--weights", "Westpark=2")
    assert code == 1 and "Westpark" in output
    code, output = invite(runner, register, tmp_path / "out", "--seed", "1", "--seed-text", "x")
    assert code == 2


def test_exclusions_from_the_command_line(tmp_path: Path, register: Path) -> None:
    runner = CliRunner()
    pd.read_csv(register, dtype="string")[["bsn"]].iloc[:300].to_csv(
        tmp_path / "optout.csv", index=False
    )
    code, output = invite(
        runner, register, tmp_path / "out", "--exclude", str(tmp_path / "optout.csv")
    )
    assert code == 0, output
    invited = pd.read_csv(tmp_path / "out/invitations.csv", dtype="string")
    assert (invited["register_row"].astype(int) > 301).all()
    report = str(tmp_path / "out/report.json")
    assert runner.invoke(main, ["verify-invite", str(register), report]).exit_code == 1
    verified = runner.invoke(
        main, ["verify-invite", str(register), report, "--exclude", str(tmp_path / "optout.csv")]
    )
    assert verified.exit_code == 0, verified.output


def test_letters_command_writes_the_pdf_and_the_mail_merge(tmp_path: Path, register: Path) -> None:
    runner = CliRunner()
    assert invite(runner, register, tmp_path / "out", "--seed", "7")[0] == 0
    result = runner.invoke(
        main,
        [
            "letters",
            str(tmp_path / "out/invitations.csv"),
            "--lang",
            "nl",
            "--reply-url",
            REPLY_URL,
            "--out",
            str(tmp_path / "letters.pdf"),
            "--jury-name",
            "Burgerjury Groningen",
            "--organiser",
            "Gemeente Groningen",
            "--sitting-dates",
            "zaterdag 7 maart; zaterdag 4 april",
            "--reply-deadline",
            "1 februari",
            "--contact",
            "Bel 14 050.",
            "--address-columns",
            "straat,postcode+plaats",
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    invitations = pd.read_csv(tmp_path / "out/invitations.csv", dtype="string")
    document = pdfium.PdfDocument(tmp_path / "letters.pdf")
    assert len(document) == len(invitations) == 40
    image = document[0].render(scale=2).to_pil()
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [
        f"{REPLY_URL}#code={invitations['code'][0]}"
    ]
    merge = pd.read_csv(tmp_path / "letters.csv", dtype="string", encoding="utf-8-sig")
    assert list(merge["reply_link"]) == [f"{REPLY_URL}#code={c}" for c in invitations["code"]]
    missing = runner.invoke(
        main,
        [
            *("letters", str(tmp_path / "out/invitations.csv"), "--lang", "en"),
            *("--reply-url", REPLY_URL, "--out", str(tmp_path / "x.pdf")),
            *("--address-columns", "straat"),
        ],
    )
    assert missing.exit_code == 1 and "$jury_name" in missing.output
