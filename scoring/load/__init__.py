"""Reading the project's files: names and links, the scheme and evidence loaders, bodies, privacy, the
staff's report text, notices about the scheme, templates for new files.
"""
