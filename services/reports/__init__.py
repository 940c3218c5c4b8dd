"""Reports of a forecast: CSV, an Excel workbook and a PDF, with a plain summary.

``content`` gathers what a report says, ``narrative`` writes the executive summary,
``excel`` and ``pdf`` lay it out. Figures are built outside the services (by
``components.report_figures``, the same builders as the pages) and handed to ``pdf``.
"""
