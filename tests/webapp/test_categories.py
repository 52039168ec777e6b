"""A jury's own categories: the staff form with its errors, the question on the reply forms
(online and on paper), the answers stored per reply, and the pool and its exports."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.webapp.categories_data import QUESTION, add_education, category_form
from tests.webapp.replies_data import make_user, make_world, yes_form
from tests.webapp.staff_data import build_world, log_in_as
from webapp.extensions import db
from webapp.models import (
    Category,
    CategoryAnswer,
    Gender,
    Jury,
    PopulationTarget,
    Reply,
    Role,
)
from webapp.pool import services as pool_services


def _organiser(app: Flask) -> tuple[FlaskClient, int]:
    world = build_world(app)
    client = app.test_client()
    log_in_as(client, world.organiser)
    return client, world.jury


def test_an_organiser_adds_a_category_in_three_languages(app: Flask) -> None:
    client, jury_id = _organiser(app)
    url = f"/staff/juries/{jury_id}/categories"
    assert client.get(f"{url}/new").status_code == 200
    done = client.post(f"{url}/new", data=category_form())
    assert done.status_code == 302 and "/quotas#cat-education" in done.location
    with app.app_context():
        category = db.session.scalars(sa.select(Category)).one()
        assert (category.key, category.question) == ("education", QUESTION)
        assert [o["key"] for o in category.options] == ["o1", "o2", "o3"]
        assert category.values == ["low", "high"]
        assert category.options[2]["label"]["nl"] == "Hogeschool of universiteit"
    page = client.get(url).get_data(as_text=True)
    assert "Education" in page and QUESTION["en"] in page


def test_the_category_form_names_each_wrong_field(app: Flask) -> None:
    client, jury_id = _organiser(app)
    url = f"/staff/juries/{jury_id}/categories/new"
    cases = {
        "Question in Dutch: This field is required.": category_form(question_nl=""),
        "Short name: use lower-case letters": category_form(key="Opleiding!"),
        "Short name: this jury has a category with this name already.": category_form(key="gender"),
        "Answer 2: please write it in Dutch, Spanish and English.": category_form(
            **{"options-1-label_es": ""}
        ),
        "Answer 3: please say which quota group it counts for.": category_form(
            **{"options-2-value": ""}
        ),
        "Answers: please give at least two answers to choose from.": {
            k: v for k, v in category_form().items() if not k.startswith(("options-1", "options-2"))
        },
    }
    for message, data in cases.items():
        response = client.post(url, data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), message
    with app.app_context():
        assert db.session.scalars(sa.select(Category)).all() == []


def test_editing_keeps_answers_and_an_answered_option_stays(app: Flask) -> None:
    client, jury_id = _organiser(app)
    with app.app_context():
        category = add_education(jury_id)
        reply = db.session.scalars(sa.select(Reply)).first()
        assert reply is None  # the world has no replies: make two answers by hand
        cid = category.id
        world_reply = _reply(jury_id, "R1")
        other = _reply(jury_id, "R2")
        db.session.add_all(
            [
                CategoryAnswer(reply_id=world_reply, category_id=cid, option="o1"),
                CategoryAnswer(reply_id=other, category_id=cid, option="o3"),
            ]
        )
        db.session.add(
            PopulationTarget(jury_id=jury_id, category="education", value="low", percent=60)
        )
        db.session.commit()
    url = f"/staff/juries/{jury_id}/categories/{cid}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Basisschool"' in page and "deletes its 2 answers" in page
    # Renamed key, reworded first answer; the third answer (chosen once) cannot be removed.
    form = category_form(key="schooling", **{"options-0-label_en": "Primary"})
    form |= {"options-0-key": "o1", "options-1-key": "o2", "options-2-key": "o3"}
    blank = {f"options-2-{f}": "" for f in ("label_nl", "label_es", "label_en", "value")}
    refused = client.post(url, data=form | blank).get_data(as_text=True)
    assert "Answer 3: 1 residents chose it, so it cannot be removed." in refused
    # The second answer nobody chose can go.
    blank = {f"options-1-{f}": "" for f in ("label_nl", "label_es", "label_en", "value")}
    assert client.post(url, data=form | blank).status_code == 302
    with app.app_context():
        category = db.session.get_one(Category, cid)
        assert category.key == "schooling"
        assert [o["key"] for o in category.options] == ["o1", "o3"]
        assert category.options[0]["label"]["en"] == "Primary"
        answers = db.session.scalars(sa.select(CategoryAnswer.option)).all()
        assert sorted(answers) == ["o1", "o3"]
        target = db.session.scalars(sa.select(PopulationTarget)).one()
        assert target.category == "schooling"
    assert client.post(f"{url}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(CategoryAnswer)).all() == []
        assert db.session.scalars(sa.select(PopulationTarget)).all() == []


def test_another_jurys_category_is_not_found(app: Flask) -> None:
    world = build_world(app)
    with app.app_context():
        cid = add_education(world.other_jury).id
        db.session.commit()
    client = app.test_client()
    log_in_as(client, world.organiser)
    assert client.get(f"/staff/juries/{world.jury}/categories/{cid}").status_code == 404
    assert client.post(f"/staff/juries/{world.jury}/categories/{cid}/delete").status_code == 404


def _reply(jury_id: int, reference: str) -> int:
    from webapp.models import Invitation, InvitationBatch

    batch = db.session.scalars(sa.select(InvitationBatch).filter_by(jury_id=jury_id)).first()
    assert batch is not None
    invitation = Invitation(
        batch_id=batch.id, jury_id=jury_id, code_hash=reference * 32, stratum="North"
    )
    db.session.add(invitation)
    db.session.flush()
    reply = Reply(
        invitation_id=invitation.id,
        jury_id=jury_id,
        reference=reference,
        channel="online",
        answer="yes",
        consent=True,
    )
    db.session.add(reply)
    db.session.flush()
    return int(reply.id)


def _sittings(app: Flask, jury_id: int) -> list[int]:
    with app.app_context():
        return [s.id for s in db.session.get_one(Jury, jury_id).sittings]


def test_a_resident_answers_the_question_in_dutch(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        world = make_world(n=2)
        add_education(world.jury_id)
        db.session.commit()
    client.post("/language", data={"lang": "nl"})
    client.post("/reply", data={"code": world.codes[0]})
    page = client.get("/reply/form").get_data(as_text=True)
    assert QUESTION["nl"] in page and "Hogeschool of universiteit" in page
    assert QUESTION["en"] not in page
    form = yes_form(world.jury_id, _sittings(app, world.jury_id))
    missing = client.post("/reply/form", data=form).get_data(as_text=True)
    assert f"{QUESTION['nl']}: kies één antwoord." in missing
    wrong = client.post("/reply/form", data={**form, "own_education": "o9"})
    assert wrong.status_code == 200
    done = client.post("/reply/form", data={**form, "own_education": "o3"})
    assert done.status_code == 302
    with app.app_context():
        answer = db.session.scalars(sa.select(CategoryAnswer)).one()
        assert answer.option == "o3"
        jury = db.session.get_one(Jury, world.jury_id)
        people, _left_out = pool_services.pool(jury)
        assert [p.features["education"] for p in people] == ["high"]
        assert list(people[0].features) == ["district", "gender", "age", "education"]


def test_staff_key_in_the_answer_and_a_replacement_changes_it(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        world = make_world(n=1)
        add_education(world.jury_id)
        db.session.commit()
        user_id = make_user("org@example.org", Role.ORGANISER, jury_id=world.jury_id)
    log_in_as(client, user_id)
    base = f"/staff/juries/{world.jury_id}/replies"
    client.post(f"{base}/new", data={"code": world.codes[0], "channel": "paper"})
    assert QUESTION["en"] in client.get(f"{base}/form").get_data(as_text=True)
    form = yes_form(world.jury_id, _sittings(app, world.jury_id), own_education="o1")
    assert client.post(f"{base}/form", data=form).status_code == 302
    client.post(f"{base}/new", data={"code": world.codes[0], "channel": "phone"})
    client.post(f"{base}/replace")
    form["own_education"] = "o3"
    assert client.post(f"{base}/form", data=form).status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(CategoryAnswer.option)).all() == ["o3"]
        # A "no" keeps no answers.
    client.post(f"{base}/new", data={"code": world.codes[0], "channel": "phone"})
    client.post(f"{base}/replace")
    assert client.post(f"{base}/form", data={"answer": "no"}).status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(CategoryAnswer)).all() == []


def test_the_exports_have_a_column_and_quotas_for_the_category(app: Flask) -> None:
    client, jury_id = _organiser(app)
    with app.app_context():
        cid = add_education(jury_id).id
        jury = db.session.get_one(Jury, jury_id)
        jury.panel_size = 10
        for n, option in enumerate(["o1", "o2", "o3"]):
            rid = _reply(jury_id, f"R{n}")
            reply = db.session.get_one(Reply, rid)
            reply.gender, reply.birth_year, reply.district = Gender.FEMALE, 1980, "North"
            db.session.add(CategoryAnswer(reply_id=rid, category_id=cid, option=option))
        _reply(jury_id, "R9")  # no answer: left out
        for value, percent in (("low", 70), ("high", 30)):
            db.session.add(
                PopulationTarget(
                    jury_id=jury_id, category="education", value=value, percent=percent
                )
            )
        db.session.commit()
    lines = client.get(f"/staff/juries/{jury_id}/pool/pool.csv").get_data(as_text=True).split()
    assert lines[0] == "id,district,gender,age,education"
    assert [line.split(",")[-1] for line in lines[1:]] == ["low", "low", "high"]
    quotas = client.get(f"/staff/juries/{jury_id}/pool/quotas.csv").get_data(as_text=True)
    # 70% of 10 is exactly 7: one seat of tolerance gives 6..8; 30% gives 2..4.
    assert quotas.split() == ["feature,value,min,max", "education,low,6,8", "education,high,2,4"]
    page = client.get(f"/staff/juries/{jury_id}/pool").get_data(as_text=True)
    assert "3 volunteers can be drawn." in page and "Education" in page
    assert "style=" not in page
    with app.app_context():
        rows = pool_services.quota_rows(db.session.get_one(Jury, jury_id))
    assert [(r.category, r.value, r.min, r.max) for r in rows] == [
        ("education", "low", 6, 8),
        ("education", "high", 2, 4),
    ]


def test_answers_pool_and_check_on_both_databases(any_db_app: Flask) -> None:
    """The queries of the pool, the answers' in-place replacement and the feasibility check,
    on SQLite and on PostgreSQL."""
    from webapp.quotas import check
    from webapp.replies.services import _fill_category_answers

    world = build_world(any_db_app)
    with any_db_app.test_request_context():
        jury = db.session.get_one(Jury, world.jury)
        jury.panel_size = 2
        cid = add_education(jury.id).id
        for n, option in enumerate(["o1", "o3", "o3"]):
            reply = db.session.get_one(Reply, _reply(jury.id, f"R{n}"))
            reply.gender, reply.birth_year, reply.district = Gender.MALE, 1970 + n, "North"
            _fill_category_answers(reply, {cid: option})
        db.session.flush()
        _fill_category_answers(reply, {cid: "o1"})  # the last one changes their answer
        db.session.add_all(
            PopulationTarget(jury_id=jury.id, category="education", value=v, percent=50)
            for v in ("low", "high")
        )
        db.session.commit()
        people, _left_out = pool_services.pool(jury)
        assert [(p.id, p.features["education"]) for p in people] == [
            ("R0", "low"),
            ("R1", "high"),
            ("R2", "low"),
        ]
        outcome = check.check(jury, people, pool_services.quota_rows(jury))
        assert (outcome.status, outcome.unplaceable) == ("feasible", [])
        _fill_category_answers(reply, {})
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CategoryAnswer)) == 2


def test_an_organisers_question_with_markup_is_escaped_in_the_error(
    app: Flask, client: FlaskClient
) -> None:
    """The "please choose one answer" error interpolates the question into a lazy message;
    flask-babel's lazy strings render as markup, so the question went out unescaped."""
    with app.app_context():
        world = make_world(n=2)
        category = add_education(world.jury_id)
        category.question = {**QUESTION, "en": "<b id=injected>Schooling</b>?"}
        db.session.commit()
    client.post("/reply", data={"code": world.codes[0]})
    form = yes_form(world.jury_id, _sittings(app, world.jury_id))
    missing = client.post("/reply/form", data=form).get_data(as_text=True)
    assert "&lt;b id=injected&gt;Schooling&lt;/b&gt;?: please choose one answer." in missing
    assert "<b id=injected>" not in missing
