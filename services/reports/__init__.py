"""Reports of a forecast: CSV, an Excel workbook and a PDF, with a plain summary.

``content`` gathers what a report says, ``change`` measures the change over the
horizon like with like, ``narrative`` writes the executive summary, ``reasons`` says
why a model has no score (never with exception text), ``figures`` draws its charts
(with the pages' builders from ``services.figures``), ``excel`` and ``pdf`` lay it
out, and ``exports`` makes a forecast's files, within a request or as a ``report`` job.
"""
