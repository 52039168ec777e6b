"""The one bridge between the web app and :mod:`sortition`: one module per library capability.

- :mod:`webapp.lottery.categories`: how reply answers become quota values (gender groups, age
  bands on year of birth).
- :mod:`webapp.lottery.register`: reading a municipal register, the allocation preview and the
  seeded invitation draw (stage 1).
- :mod:`webapp.lottery.letters`: reply codes, the invitation rows, the printer's CSV and the
  letters PDF.
- :mod:`webapp.lottery.quotas`: can the quotas be met, the smallest relaxation, and who can be
  on no panel (stage 2's feasibility check).
- :mod:`webapp.lottery.codes`: fresh reply codes, reading typed codes (old check symbols too)
  and the HMAC under which they are stored.
- :mod:`webapp.lottery.letters`: the invitation rows, the printer's CSV and the letters PDF
  with its paper reply forms.
- :mod:`webapp.lottery.selection`: stage 2's inputs (volunteers, quotas), its errors and the
  relaxation of quotas the organiser accepts.
- :mod:`webapp.lottery.tables`: the table plan of a sitting (tables of about seven, mixed on
  the categories, members meeting new people from sitting to sitting) and its measures.
- :mod:`webapp.lottery.transparent`: the transparent lottery (LEXIMIN rounded to m panels) and
  its commitment, the replacement lottery, the draw from public randomness, the audit bundle.

Views never import the library; services call these functions with plain values and get plain
values (or the library's frozen types) back. No web module other than this package imports
``sortition``.
"""

from __future__ import annotations

from sortition.errors import InputErrors, InputProblem, Relaxation
from sortition.invitations.allocation import parse_weights
from sortition.letters import FormQuestion, ReplyForm
from webapp.lottery import quotas
from webapp.lottery.categories import CategoryMapping, age_band, band_labels, category_mapping
from webapp.lottery.letters import (
    csv_cell,
    invitation_rows,
    new_code,
    read_printer_csv,
    write_letters_pdf,
    write_outcome_letters,
    write_printer_csv,
)
from webapp.lottery.register import (
    RegisterColumns,
    allocation_preview,
    category_counts,
    draw,
    new_seed,
    read_columns,
    read_register_file,
    sample_values,
)
from webapp.lottery.selection import (
    Infeasible,
    QuotaLike,
    SelectionFailed,
    next_alternate,
    relax,
    warm_up,
)
from webapp.lottery.transparent import (
    Committed,
    Drawn,
    bundle,
    compute,
    compute_replacement,
    draw_panel,
    verify,
)

__all__ = [
    "CategoryMapping",
    "Committed",
    "Drawn",
    "FormQuestion",
    "Infeasible",
    "InputErrors",
    "InputProblem",
    "QuotaLike",
    "RegisterColumns",
    "Relaxation",
    "ReplyForm",
    "SelectionFailed",
    "age_band",
    "allocation_preview",
    "band_labels",
    "bundle",
    "category_counts",
    "category_mapping",
    "compute",
    "compute_replacement",
    "csv_cell",
    "draw",
    "draw_panel",
    "invitation_rows",
    "new_code",
    "new_seed",
    "next_alternate",
    "parse_weights",
    "quotas",
    "read_columns",
    "read_printer_csv",
    "read_register_file",
    "relax",
    "sample_values",
    "verify",
    "warm_up",
    "write_letters_pdf",
    "write_outcome_letters",
    "write_printer_csv",
]
