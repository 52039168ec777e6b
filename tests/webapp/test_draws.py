"""The commitment and the public draw: published before the randomness, the panel number by
the documented derivation, the randomness taken once, the bundle passes `sortition verify`."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from tests.webapp.selection_data import (
    build_selection_world,
    enter_randomness,
    latest_draw,
    start_selection,
)
from tests.webapp.staff_data import log_in_as
from webapp.extensions import db
from webapp.models import Draw, Member, MemberStatus

ROOT = Path(__file__).resolve().parents[2]


def _verify(path: Path) -> subprocess.CompletedProcess[str]:
    # The installed command, as a member of the public runs it.
    command = [str(Path(sys.executable).parent / "sortition"), "verify", str(path)]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)


def test_commitment_then_draw_then_a_bundle_that_verifies(app: Flask, tmp_path: Path) -> None:
    world = build_selection_world(app)
    staff = app.test_client()
    log_in_as(staff, world.organiser)
    start_selection(staff, world.jury_id)
    draw_id = latest_draw(app, world.jury_id)
    public = app.test_client()
    with app.app_context():
        draw = db.session.get_one(Draw, draw_id)
        commitment_hash, m = draw.commitment_sha256, draw.panels
        commitment = draw.files["commitment.json"]
    assert hashlib.sha256(commitment.encode()).hexdigest() == commitment_hash
    # Before the draw: the commitment is public, the bundle is not there yet.
    jury_page = public.get("/juries/city-jury").data.decode()
    assert "not drawn yet" in jury_page
    page = public.get(f"/juries/city-jury/draws/{draw_id}").data.decode()
    assert commitment_hash in page and "Three dice rolled at the public meeting" in page
    assert public.get(f"/juries/city-jury/draws/{draw_id}/files/commitment.json").data.decode() == (
        commitment
    )
    assert public.get(f"/juries/city-jury/draws/{draw_id}/files/pseudonyms.csv").status_code == 404
    assert public.get(f"/juries/city-jury/draws/{draw_id}/bundle.zip").status_code == 404
    # The draw: dice as typed, normalised by the library; the number by hand.
    assert (
        "Tick the box"
        in staff.post(
            f"/staff/juries/{world.jury_id}/draws/{draw_id}", data={"randomness": "3 1 6"}
        ).data.decode()
    )
    assert "Type the dice" in enter_randomness(staff, world.jury_id, draw_id, "  ").data.decode()
    done = enter_randomness(staff, world.jury_id, draw_id, " 3  1 6 ")
    assert done.status_code == 302
    digest = hashlib.sha256(f"{commitment_hash}:3 1 6".encode()).hexdigest()
    expected = int(digest, 16) % m + 1
    with app.app_context():
        draw = db.session.get_one(Draw, draw_id)
        assert draw.panel_number == expected and draw.randomness == " 3  1 6 "
        drawn = db.session.scalars(sa.select(Member).filter_by(draw_id=draw_id)).all()
        seated = [m for m in drawn if m.status != MemberStatus.ALTERNATE]
        assert len(seated) == 6 and {m.status for m in seated} == {MemberStatus.SELECTED}
        references = [m.reply.reference for m in seated]
        names = sorted(draw.pseudonyms[r] for r in references)
        # Two alternates per seat, ranked 1 to 12 by the same randomness, as draw.json says.
        alternates = sorted(
            (m for m in drawn if m.status == MemberStatus.ALTERNATE),
            key=lambda m: m.alternate_rank or 0,
        )
        assert [m.alternate_rank for m in alternates] == list(range(1, 13))
        ranked = [draw.pseudonyms[m.reply.reference] for m in alternates]
        assert ranked == json.loads(draw.record or "{}")["alternates"]
        alternate_references = [m.reply.reference for m in alternates]
    # Twice: nothing changes, and the page says so.
    again = enter_randomness(staff, world.jury_id, draw_id, "6 6 6")
    assert "entered already" in staff.get(again.location).data.decode()
    with app.app_context():
        assert db.session.get_one(Draw, draw_id).panel_number == expected
        assert db.session.scalar(sa.select(sa.func.count(Member.id))) == 6 + 12
    # The public page shows the result under pseudonyms; no reference, phone or e-mail.
    page = public.get(f"/juries/city-jury/draws/{draw_id}").data.decode()
    assert f"<strong>{expected}</strong>" in page and ", ".join(names) in page
    assert "".join(f"<li>{name}</li>" for name in ranked) in page  # the alternates, in order
    jury_page = public.get("/juries/city-jury").data.decode()
    for text in (*references, *alternate_references, "@example.org", "+31 6"):
        assert text not in page and text not in jury_page
    bundle = public.get(f"/juries/city-jury/draws/{draw_id}/bundle.zip")
    assert bundle.status_code == 200
    assert public.get(f"/juries/city-jury/draws/{draw_id}/bundle.zip").data == bundle.data
    with zipfile.ZipFile(BytesIO(bundle.data)) as archive:
        assert "pseudonyms.csv" not in archive.namelist()
        everything = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert not any(r in everything for r in references)
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle.data)
    checked = _verify(path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # One changed byte inside a file fails, naming it.
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(BytesIO(bundle.data)) as src, zipfile.ZipFile(forged, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "panels.csv":
                data = data.replace(b"V", b"W", 1)
            dst.writestr(name, data)
    failed = _verify(forged)
    assert failed.returncode == 1 and "panels.csv" in failed.stdout + failed.stderr


def test_other_jurys_draws_and_unknown_files_are_not_found(app: Flask) -> None:
    world = build_selection_world(app)
    build_selection_world(app, slug="other-jury")
    staff = app.test_client()
    log_in_as(staff, world.organiser)
    start_selection(staff, world.jury_id)
    draw_id = latest_draw(app, world.jury_id)
    public = app.test_client()
    assert public.get(f"/juries/other-jury/draws/{draw_id}").status_code == 404
    assert public.get(f"/juries/city-jury/draws/{draw_id + 1}").status_code == 404
    assert public.get(f"/juries/city-jury/draws/{draw_id}/files/..%2fx").status_code == 404
