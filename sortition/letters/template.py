"""Letter templates: editable text files with a few header fields and a body.

Format (UTF-8)::

    # a comment (a line starting with one #)
    subject: You are invited to the $jury_name
    addressee: To the residents of
    ---
    One line of the file is one paragraph of the letter.
    A blank line adds space; "## " starts a heading, "- " a bullet point.
    [code]
    The line [code] is where the box with the reply code and the QR code goes.

Placeholders are ``$name`` or ``${name}`` (:class:`string.Template`); ``$$`` is a dollar sign.
Every letter knows ``$code``, ``$reply_url`` and ``$link`` (the reply address with the code);
the caller adds the rest (``$jury_name``, ``$sitting_dates``, ``$reply_deadline``, ...), and
the columns of the invitation row whose names are valid placeholders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from sortition.errors import SortitionError

__all__ = [
    "CODE_MARK",
    "KINDS",
    "LANGUAGES",
    "LetterTemplate",
    "TemplateError",
    "default_template",
    "load_template",
    "parse_template",
]

LANGUAGES = ("en", "es", "nl")
CODE_MARK = "[code]"
PER_LETTER = frozenset({"code", "link", "reply_url"})
# Header fields a template may set, with the English wording used when one is left out.
HEADER_DEFAULTS = {
    "letterhead": "",
    "subject": "Invitation",
    "addressee": "To the residents of",
    "return_address": "",
    "deadline_label": "Please reply before",
    "code_label": "Your personal code",
    "code_help": "Scan the QR code, or go to $reply_url and type your code.",
}


class TemplateError(SortitionError):
    """A template cannot be used: unknown header field, missing variable, too long for a page."""


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    """A parsed template: header fields and body lines, placeholders still in place."""

    name: str
    header: Mapping[str, str]
    body: tuple[str, ...]

    def placeholders(self) -> frozenset[str]:
        """Every placeholder name the template uses."""
        texts = [*self.header.values(), *self.body]
        return frozenset(name for text in texts for name in Template(text).get_identifiers())

    def check_variables(self, available: set[str] | frozenset[str]) -> None:
        """Raise :class:`TemplateError` naming every placeholder without a value."""
        missing = sorted(self.placeholders() - available - PER_LETTER)
        if missing:
            raise TemplateError(
                f"template {self.name}: no value for {', '.join('$' + m for m in missing)}"
            )


def _is_comment(line: str) -> bool:
    # "## " starts a heading in the body; a single "#" starts a comment.
    stripped = line.lstrip()
    return stripped.startswith("#") and not stripped.startswith("##")


def parse_template(text: str, *, name: str = "template") -> LetterTemplate:
    """Parse template text (see the module docstring). Raises :class:`TemplateError`."""
    lines = text.replace("\r\n", "\n").split("\n")
    if "---" not in (line.strip() for line in lines):
        raise TemplateError(f"template {name}: no line '---' between the header and the body")
    split = next(i for i, line in enumerate(lines) if line.strip() == "---")
    header = dict(HEADER_DEFAULTS)
    for number, line in enumerate(lines[:split], start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or key.strip() not in HEADER_DEFAULTS:
            known = ", ".join(HEADER_DEFAULTS)
            raise TemplateError(f"template {name}, line {number}: expected one of {known}")
        header[key.strip()] = value.strip()
    body = [line.rstrip() for line in lines[split + 1 :] if not _is_comment(line)]
    while body and not body[-1]:
        body.pop()
    for text in [*header.values(), *body]:
        if not Template(text).is_valid():
            raise TemplateError(f"template {name}: a lone $ in {text!r} (write $$ for $)")
    return LetterTemplate(name=name, header=header, body=tuple(body))


def load_template(path: str | Path) -> LetterTemplate:
    """Read and parse a template file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"template {path.name}: cannot read: {exc}") from exc
    return parse_template(text, name=path.name)


KINDS = ("invitation", "selected", "alternate", "not_selected")


def default_template(lang: str, kind: str = "invitation") -> LetterTemplate:
    """The template shipped for ``lang`` (one of :data:`LANGUAGES`) and ``kind``: the
    invitation, or a letter about the outcome of the members' draw (one of :data:`KINDS`:
    ``selected`` and ``alternate`` carry the member's code, ``not_selected`` none)."""
    if lang not in LANGUAGES:
        raise TemplateError(f"no default template for {lang!r}; there are {', '.join(LANGUAGES)}")
    if kind not in KINDS:
        raise TemplateError(f"no letter of kind {kind!r}; there are {', '.join(KINDS)}")
    name = f"{lang}.txt" if kind == "invitation" else f"{kind}-{lang}.txt"
    text = (
        resources.files("sortition.letters").joinpath("templates", name).read_text(encoding="utf-8")
    )
    return parse_template(text, name=name)
