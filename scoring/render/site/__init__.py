"""The review site: Markdown pages from the Project, built by MkDocs + Material (behind the engine
gate), search, forge links.
"""
