"""Invitation letters: one PDF page per household, and a CSV for a printing house.

Each letter shows the address where a window envelope shows it, plain-language text from an
editable template, the reply code in large print and a QR code that opens the reply page with
the code in the URL fragment.
"""

from sortition.letters.form import FormQuestion, ReplyForm
from sortition.letters.layout import Layout
from sortition.letters.render import address_lines, mail_merge_csv, render_letters, reply_link
from sortition.letters.template import (
    KINDS,
    LANGUAGES,
    LetterTemplate,
    TemplateError,
    default_template,
    load_template,
    parse_template,
)

__all__ = [
    "KINDS",
    "LANGUAGES",
    "FormQuestion",
    "Layout",
    "LetterTemplate",
    "ReplyForm",
    "TemplateError",
    "address_lines",
    "default_template",
    "load_template",
    "mail_merge_csv",
    "parse_template",
    "render_letters",
    "reply_link",
]
