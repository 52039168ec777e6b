"""The one bridge between the web app and :mod:`sortition`: one module per library capability.

- :mod:`webapp.lottery.categories`: how reply answers become quota values (gender groups, age
  bands on year of birth).
- :mod:`webapp.lottery.register`: reading a municipal register, the allocation preview and the
  seeded invitation draw (stage 1).
- :mod:`webapp.lottery.letters`: reply codes, the invitation rows, the printer's CSV and the
  letters PDF.
- :mod:`webapp.lottery.selection`: the LEXIMIN selection (stage 2) with its progress, and the
  quotas of the seats left open for a replacement draw.

Views never import the library; services call these functions with plain values and get plain
values (or the library's frozen types) back. No web module other than this package imports
``sortition``.
"""

from __future__ import annotations

from sortition.errors import InputErrors, InputProblem
from sortition.invitations.allocation import parse_weights
from webapp.lottery.categories import CategoryMapping, age_band, band_labels, category_mapping
from webapp.lottery.letters import invitation_rows, new_code, write_letters_pdf, write_printer_csv
from webapp.lottery.register import (
    RegisterColumns,
    allocation_preview,
    category_counts,
    draw,
    new_seed,
    read_columns,
    read_register_file,
)
from webapp.lottery.selection import (
    Infeasible,
    OpenQuota,
    QuotaLike,
    SelectionFailed,
    open_seat_quotas,
    relax,
    select,
)

__all__ = [
    "CategoryMapping",
    "Infeasible",
    "InputErrors",
    "InputProblem",
    "OpenQuota",
    "QuotaLike",
    "RegisterColumns",
    "SelectionFailed",
    "age_band",
    "allocation_preview",
    "band_labels",
    "category_counts",
    "category_mapping",
    "draw",
    "invitation_rows",
    "new_code",
    "new_seed",
    "open_seat_quotas",
    "parse_weights",
    "read_columns",
    "read_register_file",
    "relax",
    "select",
    "write_letters_pdf",
    "write_printer_csv",
]
