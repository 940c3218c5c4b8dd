"""Reports of a forecast: CSV, an Excel workbook and a PDF, with a plain summary.

``content`` gathers what a report says, ``change`` measures the change over the
horizon like with like, ``narrative`` writes the executive summary, ``reasons`` says
why a model has no score (never with exception text), ``excel`` and ``pdf`` lay it
out. Figures are built outside the services (by
``components.report_figures``, the same builders as the pages) and handed to ``pdf``.
"""
