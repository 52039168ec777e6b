"""The public report on a proposal as a PDF (A4, headings, page numbers) in the page's language.

fpdf2 with its core fonts (Helvetica) in the Windows-1252 encoding, as the paper letters do:
no font file is embedded, and é, ñ, ë, ü, € print. A character outside that encoding is reduced
to its base letter or "?". The document is first written as plain blocks (headings, paragraphs,
lines): their digest is the ETag, and the key of a small in-process cache, so that a report
that has not changed is not laid out again.
"""

from __future__ import annotations

import hashlib
import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import format_date, format_datetime
from flask_babel import gettext as _
from fpdf import FPDF

from webapp.config import SITTING_FORMAT
from webapp.i18n import localised
from webapp.models import AgendaKind
from webapp.proposals.forms import STATUS_LABELS
from webapp.proposals.lifecycle import OUTCOME_LABELS as VERDICT_OUTCOMES
from webapp.reports.proposal import ProposalReport
from webapp.selection.labels import KIND_LABELS as DRAW_LABELS
from webapp.sittings.agenda import KIND_LABELS as AGENDA_LABELS
from webapp.verdicts.counting import Result
from webapp.verdicts.labels import OPTION_LABELS, OUTCOME_LABELS

ENCODING = "windows-1252"
CACHE_SIZE = 64


@dataclass(frozen=True, slots=True)
class Block:
    kind: str  # "h1", "h2", "h3", "p", "li", "small"
    text: str


@dataclass(frozen=True, slots=True)
class Document:
    data: bytes
    digest: str


_cache: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def report_pdf(report: ProposalReport, *, lang: str) -> Document:
    blocks = report_blocks(report)
    digest = hashlib.sha256(repr((lang, blocks)).encode()).hexdigest()[:32]
    with _lock:
        data = _cache.get(digest)
        if data is not None:
            _cache.move_to_end(digest)
            return Document(data, digest)
    data = render(blocks, lang=lang, title=report.proposal.title)
    with _lock:
        _cache[digest] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return Document(data, digest)


def printable(text: str) -> str:
    out = []
    for char in text:
        try:
            char.encode(ENCODING)
            out.append(char)
        except UnicodeEncodeError:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            try:
                base.encode(ENCODING)
                out.append(base or "?")
            except UnicodeEncodeError:
                out.append("?")
    return "".join(out)


class _Report(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("helvetica", "", 9)
        self.cell(0, 6, printable(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 6, _("Page %(n)s of %(total)s", n=self.page_no(), total="{nb}"), align="R")


SIZES = {
    "h1": (18, "B", 9.0),
    "h2": (14, "B", 7.0),
    "h3": (12, "B", 6.0),
    "h4": (11, "B", 5.5),
}


def render(blocks: list[Block], *, lang: str, title: str) -> bytes:
    pdf = _Report(format="A4", unit="mm")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_lang(lang)
    pdf.set_title(printable(title))
    pdf.set_creator("Kleroterion")
    pdf.footer_text = title[:70]
    pdf.alias_nb_pages()
    pdf.add_page()
    for block in blocks:
        text = printable(block.text)
        if block.kind in SIZES:
            size, style, height = SIZES[block.kind]
            if pdf.get_y() > pdf.h - 50:  # a heading never ends a page
                pdf.add_page()
            pdf.ln(3 if block.kind != "h1" else 0)
            pdf.set_font("helvetica", style, size)
            pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif block.kind == "li":
            pdf.set_font("helvetica", "", 11)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5.5, "- " + text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("helvetica", "", 9 if block.kind == "small" else 11)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
    return bytes(pdf.output())


# -- the report as blocks --------------------------------------------------------------------


def _time(moment: datetime) -> str:
    return str(format_datetime(moment, "HH:mm", rebase=False))


def report_blocks(report: ProposalReport) -> list[Block]:
    jury, proposal, facts = report.jury, report.proposal, report.facts
    out: list[Block] = [
        Block("h1", proposal.title),
        Block("p", _("How the citizen jury %(name)s reached its decision.", name=jury.name)),
        Block("p", f"{_('Status:')} {STATUS_LABELS[proposal.status]}"),
        Block("h2", _("The proposal")),
    ]
    if proposal.summary:
        out.append(Block("p", proposal.summary))
    if proposal.supports is None:
        out.append(Block("p", _("Supports not published")))
    else:
        out.append(Block("p", _("Supports: %(n)d", n=proposal.supports)))
    if proposal.link:
        out.append(Block("p", _("Source: %(link)s", link=proposal.link)))

    out.append(Block("h2", _("The jury")))
    if facts.seated:
        out.append(
            Block(
                "p",
                _(
                    "%(n)d members (of %(seats)d seats), drawn by lot among the residents who "
                    "volunteered, in a lottery anyone can check.",
                    n=facts.seated,
                    seats=facts.panel_size,
                ),
            )
        )
    else:
        out.append(Block("p", _("The members have not been drawn yet.")))
    for draw in facts.draws:
        link = url_for("selection.public_draw", slug=jury.slug, draw_id=draw.id, _external=True)
        out.append(Block("li", f"{DRAW_LABELS[draw.kind]}: {link}"))
    if facts.composition:
        out.append(Block("h3", _("Who is in the jury (members per group)")))
        for category in facts.composition:
            groups = ", ".join(f"{g.label} {g.count}" for g in category.groups)
            out.append(Block("li", f"{category.label}: {groups}"))

    out.append(Block("h2", _("Sittings and whom the jury heard")))
    if not report.sittings and proposal.verdict_at:
        out.append(Block("p", _("No sitting is recorded in this app for this proposal.")))
    elif not report.sittings:
        out.append(Block("p", _("The proposal is not on the agenda of a sitting yet.")))
    for facts_ in report.sittings:
        sitting = facts_.sitting
        when = format_datetime(sitting.starts_at, SITTING_FORMAT, rebase=False)
        place = sitting.place or (sitting.venue.name if sitting.venue else "")
        out.append(Block("h3", f"{when}{', ' + place if place else ''}"))
        if not facts_.agenda:
            out.append(Block("p", _("The programme is not published yet.")))
        for item in facts_.agenda:
            title = localised(item.title, jury.language)
            kind = str(AGENDA_LABELS[item.kind])
            label = f"{title} ({kind})" if title else kind
            out.append(Block("li", f"{_time(item.starts_at)}-{_time(item.ends_at)} {label}"))

    out.append(Block("h2", _("The tables' outcomes")))
    if not report.outcomes:
        out.append(Block("p", _("No table outcomes are recorded yet.")))
    for facts_ in report.sittings:
        if facts_.outcomes:
            when = format_datetime(facts_.sitting.starts_at, SITTING_FORMAT, rebase=False)
            out.append(Block("h3", when))
        for v in facts_.outcomes:
            if v.agenda_item_id is None:
                about = _("The whole sitting")
            else:
                kind = str(AGENDA_LABELS[AgendaKind(v.item_kind)]) if v.item_kind else ""
                about = localised(v.item_title, jury.language) or kind
                if v.item_starts_at:
                    about = f"{_time(v.item_starts_at)} {about}"
            out.append(Block("h4", f"{_('Table %(number)s', number=v.table_number)} - {about}"))
            for label, text in (
                (_("Summary"), v.summary),
                (_("Arguments for"), v.arguments_for),
                (_("Arguments against"), v.arguments_against),
                (_("Suggested amendments"), v.amendments),
            ):
                if text.strip():
                    out.append(Block("p", f"{label}: {text}"))
            if (v.votes_for, v.votes_against, v.votes_abstain) != (None, None, None):
                straw = (
                    f"{_('Straw vote')}: {_('For')} {v.votes_for or 0}, "
                    f"{_('Against')} {v.votes_against or 0}, {_('Abstain')} {v.votes_abstain or 0}"
                )
                out.append(Block("p", straw))

    out.append(Block("h2", _("The plenary vote")))
    if not report.counted and proposal.verdict_at:
        out.append(Block("p", _("The count of the vote is not recorded in this app.")))
    elif not report.counted:
        out.append(Block("p", _("The plenary has not voted on it yet.")))
    for counted in report.counted:
        vote, result = counted.vote, counted.result
        assert result is not None
        when = format_datetime(vote.sitting.starts_at, SITTING_FORMAT, rebase=False)
        out.append(Block("h3", _("Voted at the sitting of %(date)s.", date=when)))
        out.append(Block("p", str(OUTCOME_LABELS[result.outcome])))
        for option, n in result.count.votes.items():
            out.append(Block("li", f"{OPTION_LABELS[option]}: {n}"))
        out.append(Block("li", f"{_('Abstentions')}: {result.count.abstentions}"))
        out.append(Block("h3", _("How the result was reached")))
        out.extend(Block("li", line) for line in arithmetic(result))
        text = localised(vote.amended_text, jury.language)
        if text:
            out.append(Block("h3", _("The amended text")))
            out.append(Block("p", text))

    out.append(Block("h2", _("Where this proposal stands")))
    for step in report.steps:
        mark = _("done") if step.done else (_("now") if step.current else _("to come"))
        out.append(Block("li", f"{step.label} ({mark})"))
    if proposal.verdict_at and proposal.verdict_outcome:
        out.append(
            Block(
                "p",
                _(
                    "The jury's verdict, %(date)s: %(outcome)s.",
                    date=format_date(proposal.verdict_at, "long"),
                    outcome=VERDICT_OUTCOMES[proposal.verdict_outcome],
                ),
            )
        )
    if proposal.response_published_at and proposal.response_texts:
        out.append(Block("h3", _("The municipality's response")))
        out.append(Block("p", localised(proposal.response_texts, jury.language)))
    if report.to_come:
        out.append(Block("h2", _("Still to come")))
        out.extend(Block("li", note) for note in report.to_come)
    link = url_for("reports.proposal", slug=jury.slug, proposal_id=proposal.id, _external=True)
    out.append(Block("small", _("This report online: %(link)s", link=link)))
    return out


def arithmetic(result: Result) -> list[str]:
    """The steps of the count, in the words of the verdicts' result on the web pages."""
    c, r = result.count, result.rules
    lines = [
        _(
            "Seated members: %(seated)d. Present at the sitting: %(present)d.",
            seated=c.seated,
            present=c.present,
        ),
        _(
            "Took part: %(n)d (%(votes)d votes for an option and %(abstentions)d abstentions).",
            n=c.taking_part,
            votes=c.for_options,
            abstentions=c.abstentions,
        ),
    ]
    if r.quorum_kind == "members":
        quorum = _("Quorum: %(required)d members must take part.", required=result.quorum_required)
    elif r.quorum_kind == "seated_share":
        quorum = _(
            "Quorum: %(pct)d%% of the %(base)d seated members, rounded up: "
            "%(required)d must take part.",
            pct=r.quorum_value,
            base=result.quorum_base,
            required=result.quorum_required,
        )
    else:
        quorum = _(
            "Quorum: %(pct)d%% of the %(base)d members present, rounded up: "
            "%(required)d must take part.",
            pct=r.quorum_value,
            base=result.quorum_base,
            required=result.quorum_required,
        )
    if result.quorum_met:
        met = _("%(n)d took part: the quorum is met.", n=c.taking_part)
    else:
        met = _("%(n)d took part: the quorum is not met.", n=c.taking_part)
    lines.append(f"{quorum} {met}")
    if result.quorum_met:
        if r.majority == "simple":
            rule = _(
                "Majority: more than half of the %(n)d votes for an option (abstentions do not "
                "count): %(needed)d votes needed.",
                n=c.for_options,
                needed=result.majority_required,
            )
        else:
            rule = _(
                "Majority: two thirds of the %(n)d votes for an option, rounded up (abstentions "
                "do not count): %(needed)d votes needed.",
                n=c.for_options,
                needed=result.majority_required,
            )
        if result.carried:
            said = _(
                "“%(option)s” has %(votes)d: it carries.",
                option=OPTION_LABELS[result.carried],
                votes=c.votes[result.carried],
            )
        elif result.leader:
            said = _(
                "The most votes, %(votes)d, went to “%(option)s”: not enough.",
                option=OPTION_LABELS[result.leader],
                votes=c.votes[result.leader],
            )
        else:
            said = _("No option has more votes than every other.")
        lines.append(f"{rule} {said}")
    return lines
