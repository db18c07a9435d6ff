"""Scoring core and build pipeline for a government-openness (政务公开) assessment.

One subpackage per stage, bottom to top (docs/architecture.md; tests/test_structure.py keeps the order):
``core`` (problems, decimals, safe I/O), ``model`` (value types, declared keys, rule kinds),
``registers`` and ``score`` (the 台账; the score table), ``load`` (reading files), ``gather`` (the
checked ``Project`` with what git knows) and ``importer`` (the assessors' table), ``render`` (tables,
site, dossier, documents, written at once), ``results`` (核定分, last year, roll-up), ``cli``.
``build.py`` is a thin shell over ``scoring.cli.main.main``.
"""
