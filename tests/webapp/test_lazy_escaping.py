"""Lazy translated messages are escaped when rendered (webapp.i18n.lazy_gettext)."""

from __future__ import annotations

from flask import Flask, render_template_string
from markupsafe import escape
from wtforms.fields.core import Label

from webapp.i18n import lazy_gettext as _l

PAYLOAD = '<img src=x onerror="alert(1)">'


def test_a_lazy_message_with_user_text_is_escaped_in_a_template(app: Flask) -> None:
    with app.test_request_context():
        message = _l("%(file)s is empty.", file=PAYLOAD)
        rendered = render_template_string("<p>{{ m }}</p>", m=message)
        assert rendered == f"<p>{escape(PAYLOAD)} is empty.</p>"
        # A label built from one (the juries' per-language fields do this) too.
        label = Label("name_nl", _l("%(text)s (%(language)s)", text=PAYLOAD, language="NL"))
        assert str(label()) == f'<label for="name_nl">{escape(PAYLOAD)} (NL)</label>'
        # Plain messages are unchanged, ampersands escaped once.
        assert render_template_string("{{ m }}", m=_l("Terms & conditions")) == (
            "Terms &amp; conditions"
        )
