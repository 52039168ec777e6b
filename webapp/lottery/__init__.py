"""The one bridge between the web app and :mod:`sortition`: one module per library capability.

- :mod:`webapp.lottery.categories`: how reply answers become quota values (gender groups, age
  bands on year of birth).
- :mod:`webapp.lottery.register`: reading a municipal register, the allocation preview and the
  seeded invitation draw (stage 1).
- :mod:`webapp.lottery.letters`: reply codes, the invitation rows, the printer's CSV and the
  letters PDF.
- :mod:`webapp.lottery.quotas`: can the quotas be met, the smallest relaxation, and who can be
  on no panel (stage 2's feasibility check).

Views never import the library; services call these functions with plain values and get plain
values (or the library's frozen types) back. No web module other than this package imports
``sortition``.
"""

from __future__ import annotations

from sortition.errors import InputErrors, InputProblem, Relaxation
from sortition.invitations.allocation import parse_weights
from webapp.lottery import quotas
from webapp.lottery.categories import CategoryMapping, age_band, band_labels, category_mapping
from webapp.lottery.letters import (
    csv_cell,
    invitation_rows,
    new_code,
    read_printer_csv,
    write_letters_pdf,
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
)

__all__ = [
    "CategoryMapping",
    "InputErrors",
    "InputProblem",
    "RegisterColumns",
    "Relaxation",
    "age_band",
    "allocation_preview",
    "band_labels",
    "category_counts",
    "category_mapping",
    "csv_cell",
    "draw",
    "invitation_rows",
    "new_code",
    "new_seed",
    "parse_weights",
    "quotas",
    "read_columns",
    "read_printer_csv",
    "read_register_file",
    "write_letters_pdf",
    "write_printer_csv",
]
