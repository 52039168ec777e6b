"""Stage-2 selection algorithms over types of interchangeable volunteers (HiGHS via highspy).

The public entry point is :func:`sortition.selection.select_panel`; this package holds the
pieces: :mod:`.types` (grouping), :mod:`.panels` (the panel integer program), :mod:`.leximin`,
:mod:`.maximin`, :mod:`.nash`, :mod:`.legacy`, :mod:`.draw` and :mod:`.highs` (solver helpers
and the one status function).
"""
