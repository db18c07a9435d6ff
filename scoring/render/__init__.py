"""Every output rendered from a Project: score tables, charts, the review site, the PDF dossier, Word
documents, the public edition and its leak guard, and the one write of them all.
"""
