"""Scoring core and build pipeline for a government-openness (政务公开) assessment.

The path of the data (docs/architecture.md): ``gather`` loads (``load``),
checks (``check``, ``body``) and scores (``score``) a project and adds what git
knows (``gitrepo``, ``history``) into one ``Project`` (``project``); ``build``
renders the requested outputs from it (``tables``, ``site``, ``dossier``) and
swaps them in at once (``output``). ``build.py`` is a thin shell over ``cli.main``.
"""
