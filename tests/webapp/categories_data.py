"""A jury's own category for the tests: education, three answers, two quota groups."""

from __future__ import annotations

from typing import Any

from webapp.extensions import db
from webapp.models import Category

QUESTION = {
    "nl": "Wat is de hoogste school die u hebt afgemaakt?",
    "es": "¿Cuál es el nivel de estudios más alto que terminó?",
    "en": "What is the highest school you finished?",
}
OPTIONS = [
    ("Basisschool", "Primaria", "Primary school", "low"),
    ("Middelbare school", "Secundaria", "Secondary school", "low"),
    ("Hogeschool of universiteit", "Universidad", "College or university", "high"),
]


def category_form(**changes: Any) -> dict[str, Any]:
    """The category form, filled in completely; ``changes`` override fields (None removes)."""
    data: dict[str, Any] = {
        "key": "education",
        "name_nl": "Opleiding",
        "name_es": "Estudios",
        "name_en": "Education",
        **{f"question_{lang}": text for lang, text in QUESTION.items()},
    }
    for i, (nl, es, en, value) in enumerate(OPTIONS):
        data |= {
            f"options-{i}-label_nl": nl,
            f"options-{i}-label_es": es,
            f"options-{i}-label_en": en,
            f"options-{i}-value": value,
        }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def add_education(jury_id: int) -> Category:
    """The education category, stored directly (call inside an app context; flushes)."""
    category = Category(
        jury_id=jury_id,
        key="education",
        position=1,
        name={"nl": "Opleiding", "es": "Estudios", "en": "Education"},
        question=dict(QUESTION),
        options=[
            {"key": f"o{i + 1}", "label": {"nl": nl, "es": es, "en": en}, "value": value}
            for i, (nl, es, en, value) in enumerate(OPTIONS)
        ],
    )
    db.session.add(category)
    db.session.flush()
    return category
