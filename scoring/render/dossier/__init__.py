"""The PDF dossier: HTML from the Project, laid out by WeasyPrint in parallel chunks (behind the engine
gate), attached PDF originals.
"""
