"""Scoring core and build pipeline for a government-openness (政务公开) assessment.

The path of the data: load (``load``) → check (``check``) → score (``score``) →
render (``tables``, ``site``, ``dossier``). ``build.py`` is a thin shell over
``cli.main``.
"""
