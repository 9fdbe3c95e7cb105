"""The leaders' weekly pack: one ISO week of one region as PNG charts, an A4
PDF and an XLSX workbook in a ZIP (see docs/export.md).

``content`` gathers the week's figures and tables (queries + the cockpit's own
figure builders, print theme), ``render`` turns figures into images with
kaleido, ``pdf`` and ``xlsx`` lay them out, ``pack`` zips them and keeps the
archive the scheduler fills every Monday.
"""
