"""The commitment, the derivation of the panel number, the bundle and verify."""

from __future__ import annotations

import dataclasses
import io
import json
import random
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sortition.audit import (
    commit,
    derive_panel,
    draw,
    make_bundle,
    normalise_randomness,
    verify_bundle,
)
from sortition.audit.commitment import Commitment, canonical_json, sha256
from sortition.model import Person, Pool, Quota, Quotas
from sortition.transparent import TransparentLottery, transparent_lottery
from tests.sortition.instances import random_instance

# Hand-computed with coreutils and bc (see docs/transparent-lottery.md):
#   H=$(printf '%s' 'example commitment' | sha256sum | cut -d' ' -f1)
#   printf '%s' "$H:3 1 6 6 2" | sha256sum
#   echo "ibase=16; <DIGEST IN CAPITALS> % 3E8 + 1" | bc
HAND_HASH = "b13a389dcb5abf1de1d86087b669bcef6b12f3116b97b28f98df7a64dd755fcc"
HAND_DICE_DIGEST = "c38efe92ece0dc5ce618ebce90594dee5f098a405715bd6e18b938fa63e5cf0d"
HAND_LOTTERY_DIGEST = "fa917bb1ae82dc8693efdff768862c1e7580b7b2b58db139d19f6ddae780f270"
CREATED = datetime(2026, 3, 12, 18, 0, tzinfo=UTC)
DRAWN = datetime(2026, 3, 12, 19, 30, tzinfo=UTC)


def test_the_derivation_matches_hand_computed_values() -> None:
    assert sha256(b"example commitment") == HAND_HASH
    dice = derive_panel(HAND_HASH, "  3  1\t6 6 2\n", 1000)
    assert dice.normalised == "3 1 6 6 2"
    assert dice.message == HAND_HASH + ":3 1 6 6 2"
    assert dice.sha256 == HAND_DICE_DIGEST
    assert dice.panel == 214
    lottery = derive_panel(HAND_HASH, "Lotería Nacional 12345", 1000)
    assert lottery.normalised == "lotería nacional 12345"
    assert lottery.sha256 == HAND_LOTTERY_DIGEST
    assert lottery.panel == 577
    assert derive_panel(HAND_HASH, "LOTERÍA  nacional 12345", 6).panel == 1


def test_normalisation_and_bad_randomness() -> None:
    assert normalise_randomness("\uff13 \uff11 \uff16") == "3 1 6"  # full-width digits
    with pytest.raises(ValueError, match="empty"):
        normalise_randomness(" \t\n")
    with pytest.raises(ValueError, match="64 lower-case"):
        derive_panel(HAND_HASH.upper(), "3", 10)
    with pytest.raises(ValueError, match="at least 1"):
        derive_panel(HAND_HASH, "3", 0)


@pytest.fixture(scope="module")
def lottery() -> TransparentLottery:
    pool, quotas, k = random_instance(random.Random(3), n=40, k=8, households=4)
    return transparent_lottery(pool, quotas, k, panels=120, seed=5)


def bundle_of(lottery: TransparentLottery, randomness: str = "3 1 6 6 2") -> bytes:
    commitment = commit(lottery, randomness_source="five dice at the meeting", created=CREATED)
    return make_bundle(commitment, draw(commitment, randomness, drawn=DRAWN))


def rezip(bundle: bytes, name: str, change: bytes | None = None, *, at: int = 0) -> bytes:
    """The bundle with one byte of ``name`` changed (or ``change`` as its content)."""
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    if change is None:
        data = bytearray(files[name])
        data[at] = ord("x") if data[at] != ord("x") else ord("y")
        change = bytes(data)
    files[name] = change
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for n, d in files.items():
            archive.writestr(n, d)
    return out.getvalue()


def test_a_fresh_bundle_verifies(lottery: TransparentLottery) -> None:
    bundle = bundle_of(lottery)
    result = verify_bundle(bundle)
    assert result.problems == ()
    assert result.ok
    commitment = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("commitment.json"))
    assert commitment["created"] == "2026-03-12T18:00:00Z"
    assert commitment["randomness_source"] == "five dice at the meeting"
    assert set(commitment["sha256"]) == {
        "pool.csv",
        "quotas.csv",
        "panels.csv",
        "probabilities.csv",
        "report.json",
    }
    assert (
        result.panel == json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("draw.json"))["panel"]
    )


def test_the_bundle_holds_pseudonyms_only(lottery: TransparentLottery) -> None:
    bundle = bundle_of(lottery)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist()).decode()
    assert not any(f"{pid}," in text or f'"{pid}"' in text for pid in lottery.pool.ids)
    homes = {p.household for p in lottery.pool if p.household}
    assert homes and not any(home in text for home in homes)


@pytest.mark.parametrize(
    ("name", "named"),
    [
        ("pool.csv", "pool.csv: SHA-256 is"),
        ("quotas.csv", "quotas.csv: SHA-256 is"),
        ("panels.csv", "panels.csv: SHA-256 is"),
        ("probabilities.csv", "probabilities.csv: SHA-256 is"),
        ("report.json", "report.json: SHA-256 is"),
        ("commitment.json", "commitment.json hashes to"),
        ("draw.json", "line for draw.json"),
        ("README.txt", "line for README.txt"),
        ("SHA256SUMS", "SHA256SUMS"),
    ],
)
def test_one_changed_byte_in_any_file_fails_naming_it(
    lottery: TransparentLottery, name: str, named: str
) -> None:
    bundle = bundle_of(lottery)
    size = len(zipfile.ZipFile(io.BytesIO(bundle)).read(name))
    for at in (size // 2, size - 2):
        result = verify_bundle(rezip(bundle, name, at=at))
        assert not result.ok
        assert any(named in problem for problem in result.problems), result.problems


@pytest.mark.parametrize("name", ["pool.csv", "quotas.csv", "panels.csv", "probabilities.csv"])
def test_a_row_with_a_field_too_few_or_too_many_is_named(
    lottery: TransparentLottery, name: str
) -> None:
    # A changed byte that falls on a comma (or makes one) leaves a row one field short or
    # long: verify names the file and the line, and never stops on the missing value.
    bundle = bundle_of(lottery)
    data = zipfile.ZipFile(io.BytesIO(bundle)).read(name)
    lines = data.split(b"\n")
    for change in (lines[2].replace(b",", b";", 1), lines[2] + b",extra"):
        forged = b"\n".join([*lines[:2], change, *lines[3:]])
        problems = verify_bundle(rezip(bundle, name, forged)).problems
        assert f"{name}: SHA-256 is" in " ".join(problems), problems
        assert any(f"{name}: line 3 has" in problem for problem in problems), problems


def test_one_changed_byte_of_the_zip_itself_fails(lottery: TransparentLottery) -> None:
    # 80 bytes spread over the zip (headers, contents, the central directory) and its
    # whole tail (the end of the central directory record).
    bundle = bundle_of(lottery)
    step = len(bundle) // 80
    positions = [*range(0, len(bundle), step), *range(len(bundle) - 40, len(bundle))]
    for at in positions:
        changed = bytearray(bundle)
        changed[at] ^= 0x01
        result = verify_bundle(bytes(changed))
        assert not result.ok, at
        assert all(": " in problem for problem in result.problems)


def test_other_randomness_gives_a_problem_naming_the_draw(lottery: TransparentLottery) -> None:
    bundle = bundle_of(lottery)
    record = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("draw.json"))
    record["randomness"] = "3 1 6 6 3"
    forged = rezip(bundle, "draw.json", canonical_json(record))
    problems = verify_bundle(forged).problems
    assert any(
        p.startswith("draw.json: panel is") or p.startswith("draw.json: sha256") for p in problems
    )


def test_a_committed_panel_that_breaks_a_quota_is_named(lottery: TransparentLottery) -> None:
    # A consistent bundle (every hash right) whose panel 2 has a member swapped for someone
    # of another kind: verify names the panel and the quota.
    panel = list(lottery.panels[1])
    kind = lottery.pool[panel[0]].features
    other = next(
        p.id for p in lottery.pool if p.features != kind and p.id not in panel and not p.household
    )
    panel[0] = other
    panels = (lottery.panels[0], tuple(sorted(panel)), *lottery.panels[2:])
    bad = dataclasses.replace(lottery, panels=panels)
    problems = verify_bundle(bundle_of(bad)).problems
    assert any(p.startswith("panels.csv: panel 2: ") and "the quota is" in p for p in problems)


def test_a_household_twice_on_a_panel_is_named() -> None:
    people = tuple(
        Person(f"p{i}", {"g": "x"}, "same street 1" if i < 2 else None) for i in range(4)
    )
    pool = Pool(people)
    quotas = Quotas((Quota("g", "x", 0, 2),))
    lottery = transparent_lottery(pool, quotas, 2, panels=6, seed=1)
    bad = dataclasses.replace(lottery, panels=(("p0", "p1"), *lottery.panels[1:]))
    problems = verify_bundle(bundle_of(bad)).problems
    assert any(p.startswith("panels.csv: panel 1: 2 members of household H1") for p in problems)


def test_saved_and_loaded_commitment_is_the_same(
    lottery: TransparentLottery, tmp_path: Path
) -> None:
    commitment = commit(lottery, randomness_source="dice", created=CREATED)
    commitment.save(tmp_path)
    again = Commitment.load(tmp_path)
    assert again.sha256 == commitment.sha256
    assert again.pseudonyms == commitment.pseudonyms
    result = draw(again, "6 6 6", drawn=DRAWN)
    assert set(result.ids) == set(lottery.panel(result.panel))
    assert len(set(commitment.pseudonyms.values())) == len(lottery.pool)


def test_commit_refuses_without_a_source_or_with_shared_pseudonyms(
    lottery: TransparentLottery,
) -> None:
    with pytest.raises(ValueError, match="announce"):
        commit(lottery, randomness_source=" ")
    with pytest.raises(ValueError, match="share a pseudonym"):
        commit(lottery, randomness_source="dice", pseudonyms=dict.fromkeys(lottery.pool.ids, "x"))


def test_the_draw_ranks_the_alternates_from_the_randomness(lottery: TransparentLottery) -> None:
    commitment = commit(lottery, randomness_source="five dice", created=CREATED)
    result = draw(commitment, "3 1 6 6 2", drawn=DRAWN)
    record = json.loads(result.record)
    assert record["format"] == "kleroterion-draw/2"
    assert record["alternates"] == list(result.alternates)
    # Two per seat, nobody of the panel, no housemate of a member, the ids behind the names.
    assert len(result.alternates) == 2 * lottery.k
    assert not set(result.alternate_ids) & set(result.ids)
    names = commitment.pseudonyms
    assert [names[pid] for pid in result.alternate_ids] == list(result.alternates)
    homes = {lottery.pool[pid].household for pid in result.ids} - {None}
    assert not any(lottery.pool[pid].household in homes for pid in result.alternate_ids)
    # The same draw ranks them the same; other randomness ranks them otherwise.
    assert draw(commitment, "3  1 6 6 2", drawn=DRAWN).alternates == result.alternates
    other = draw(commitment, "4 1 6 6 2", drawn=DRAWN)
    assert other.alternates != result.alternates


def test_the_first_alternates_shadow_the_panel() -> None:
    # Each member's first shadow has their quota values, so calling the alternate of a
    # member who declines keeps every quota.
    people = [Person(f"{g}{a}{i}", {"g": g, "a": a}) for g in "fm" for a in "yo" for i in range(5)]
    quotas = Quotas(
        tuple(Quota("g", g, 2, 2) for g in "fm") + tuple(Quota("a", a, 2, 2) for a in "yo")
    )
    lottery = transparent_lottery(Pool(tuple(people)), quotas, 4, panels=20, seed=2)
    commitment = commit(lottery, randomness_source="dice", created=CREATED)
    result = draw(commitment, "6 6 6", drawn=DRAWN)
    pool = lottery.pool
    members = sorted((pool[pid].features["g"], pool[pid].features["a"]) for pid in result.ids)
    shadows = sorted(
        (pool[pid].features["g"], pool[pid].features["a"]) for pid in result.alternate_ids[:4]
    )
    assert shadows == members


def test_changed_alternates_fail_verify(lottery: TransparentLottery) -> None:
    bundle = bundle_of(lottery)
    record = json.loads(zipfile.ZipFile(io.BytesIO(bundle)).read("draw.json"))
    record["alternates"] = list(reversed(record["alternates"]))
    forged = rezip(bundle, "draw.json", canonical_json(record))
    problems = verify_bundle(forged).problems
    assert "draw.json: 'alternates' differ from the ranking derived again" in " ".join(problems)
    del record["alternates"]
    problems = verify_bundle(rezip(bundle, "draw.json", canonical_json(record))).problems
    assert "draw.json: lists no alternates" in problems
