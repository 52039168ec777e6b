"""``sortition lottery``, ``sortition draw`` and ``sortition verify`` end to end."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
from click.testing import CliRunner, Result

from sortition.cli import main

DATA = Path(__file__).parent / "data"
POOL, QUOTAS = DATA / "town_pool.csv", DATA / "town_quotas.csv"
BASE = ["--k", "6", "--id-column", "person_id", "--address-columns", "street,postcode"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def lottery(out: Path, *extra: str) -> Result:
    return run(
        "lottery", POOL, QUOTAS, *BASE, "--panels", "50", "--seed", "3", *extra, "--out", out
    )


def test_lottery_draw_verify(tmp_path: Path) -> None:
    out = tmp_path / "lottery"
    made = lottery(out, "--randomness-source", "dice at the meeting")
    assert made.exit_code == 0, made.output
    report = json.loads((out / "report.json").read_text())
    assert {"panels", "max_loss", "bound", "seconds", "method"} <= set(report)
    assert report["panels"] == 50 and report["bound"] == 6 / 50
    panels = pd.read_csv(out / "panels.csv", dtype="string")
    assert list(panels.columns) == ["panel", "id"]
    assert len(panels) == 50 * 6 and panels["panel"].nunique() == 50
    probabilities = pd.read_csv(out / "probabilities.csv")
    assert list(probabilities.columns) == ["id", "before", "after"]
    commitment = json.loads((out / "commitment.json").read_text())
    assert commitment["randomness_source"] == "dice at the meeting"
    assert commitment["k"] == 6 and commitment["panels"] == 50
    pseudonyms = pd.read_csv(out / "pseudonyms.csv", dtype="string")
    assert set(pseudonyms["id"]) == {f"v{i:02d}" for i in range(1, 13)}
    assert not set(pseudonyms["id"]) & set(panels["id"])  # the public files hold pseudonyms

    drawn = run("draw", out, "--randomness", "3 1 6 6 2")
    assert drawn.exit_code == 0, drawn.output
    record = json.loads((out / "draw.json").read_text())
    selected = pd.read_csv(out / "selected.csv", dtype="string")
    assert len(selected) == 6
    chosen = panels[panels["panel"] == str(record["panel"])]["id"]
    assert sorted(selected["pseudonym"]) == sorted(chosen)
    alternates = pd.read_csv(out / "alternates.csv", dtype="string")
    assert list(alternates["pseudonym"]) == record["alternates"]
    assert list(alternates["rank"]) == [str(r) for r in range(1, len(alternates) + 1)]
    assert not set(alternates["id"]) & set(selected["id"])

    checked = run("verify", out / "bundle.zip")
    assert checked.exit_code == 0, checked.output
    assert f"panel {record['panel']}" in checked.output

    again = run("draw", out, "--randomness", "1 1 1")
    assert again.exit_code == 1
    assert "drawn already" in again.output


def test_verify_names_a_changed_byte(tmp_path: Path) -> None:
    out = tmp_path / "lottery"
    assert lottery(out).exit_code == 0
    assert run("draw", out, "--randomness", "4 4 2").exit_code == 0
    with zipfile.ZipFile(out / "bundle.zip") as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    text = files["panels.csv"].decode()
    files["panels.csv"] = text.replace("\n2,", "\n3,", 1).encode()  # one seat moves panel
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    checked = run("verify", forged)
    assert checked.exit_code == 1
    assert "panels.csv: SHA-256 is" in checked.output
    assert "panels.csv: panel 2: 5 seats, not 6" in checked.output

    raw = bytearray((out / "bundle.zip").read_bytes())
    raw[len(raw) // 3] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(raw))
    checked = run("verify", damaged)
    assert checked.exit_code == 1
    assert "do not hold" in checked.output


def test_keep_ids_publishes_the_ids(tmp_path: Path) -> None:
    out = tmp_path / "lottery"
    assert lottery(out, "--keep-ids").exit_code == 0
    assert "v01" in (out / "pool.csv").read_text()


def test_infeasible_quotas_exit_3_and_name_the_quota(tmp_path: Path) -> None:
    quotas = tmp_path / "quotas.csv"
    quotas.write_text(QUOTAS.read_text().replace("female,3,3,2,4", "female,6,6,0,6"))
    result = run("lottery", POOL, quotas, *BASE, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert "gender female" in result.output


def test_draw_without_a_commitment_exits_1(tmp_path: Path) -> None:
    result = run("draw", tmp_path, "--randomness", "1")
    assert result.exit_code == 1
    assert "commitment.json" in result.output


def test_verify_of_a_file_that_is_no_zip(tmp_path: Path) -> None:
    path = tmp_path / "bundle.zip"
    path.write_text("hello")
    result = run("verify", path)
    assert result.exit_code == 1
    assert "not a readable zip file" in result.output


def test_the_bundle_leaves_out_the_private_files(tmp_path: Path) -> None:
    out = tmp_path / "lottery"
    assert lottery(out).exit_code == 0
    assert run("draw", out, "--randomness", "2").exit_code == 0
    names = zipfile.ZipFile(io.BytesIO((out / "bundle.zip").read_bytes())).namelist()
    assert "pseudonyms.csv" not in names and "selected.csv" not in names
    assert "SHA256SUMS" in names and "README.txt" in names


def test_a_replacement_from_the_command_line(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert lottery(first).exit_code == 0
    assert run("draw", first, "--randomness", "3 1 6").exit_code == 0
    chosen = sorted(pd.read_csv(first / "selected.csv", dtype="string")["id"])
    dropout, members = chosen[0], chosen[1:]
    second = tmp_path / "second"
    made = lottery(
        second, "--members", ",".join(members), "--exclude", dropout, "--previous", str(first)
    )
    assert made.exit_code == 0, made.output
    commitment = json.loads((second / "commitment.json").read_text())
    assert commitment["k"] == 1
    assert commitment["replacement"]["k"] == 6
    first_hash = hashlib.sha256((first / "commitment.json").read_bytes()).hexdigest()
    assert commitment["replacement"]["previous"] == first_hash
    # A volunteer keeps their pseudonym from the first draw.
    assert (second / "pseudonyms.csv").read_text() == (first / "pseudonyms.csv").read_text()
    assert run("draw", second, "--randomness", "5").exit_code == 0
    checked = run("verify", second / "bundle.zip")
    assert checked.exit_code == 0, checked.output
    chained = run("verify", second / "bundle.zip", "--previous", first / "bundle.zip")
    assert chained.exit_code == 0, chained.output
    swapped = run("verify", first / "bundle.zip", "--previous", second / "bundle.zip")
    assert swapped.exit_code == 1
    assert "not a replacement, yet a previous bundle was given" in swapped.output
    newcomer = pd.read_csv(second / "selected.csv", dtype="string")["id"].tolist()
    assert len(newcomer) == 1 and newcomer[0] not in chosen


def test_a_replacement_with_an_unknown_member_exits_1(tmp_path: Path) -> None:
    result = lottery(tmp_path / "out", "--members", "nobody")
    assert result.exit_code == 1
    assert "members not in the pool: nobody" in result.output
