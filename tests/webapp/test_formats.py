"""Numbers, percentages and moments in the page's language, through the Jinja filters."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask, render_template_string
from flask_babel import force_locale


@pytest.mark.parametrize(
    ("lang", "number", "percent", "moment"),
    [
        ("nl", "20.000", "13,9%", "3 dec 2026, 08:54"),
        ("es", "20.000", "13,9\xa0%", "3 dic 2026, 8:54"),
        ("en", "20,000", "13.9%", "Dec 3, 2026, 8:54\u202fAM"),
    ],
)
def test_filters_follow_the_page_language(
    app: Flask, lang: str, number: str, percent: str, moment: str
) -> None:
    with app.test_request_context(), force_locale(lang):
        page = render_template_string(
            "{{ 20000 | number }}|{{ 13.94 | percent }}|{{ when | moment }}|"
            "{{ none | percent }}|{{ 2.5 | percent(0) }}",
            when=datetime(2026, 12, 3, 7, 54),  # stored as UTC; the page shows Amsterdam time
            none=None,
        )
    assert page.split("|")[:4] == [number, percent, moment, "–"]
    assert page.split("|")[4] in ("3%", "3\xa0%", "2%", "2\xa0%")
