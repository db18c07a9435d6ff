"""The checked Project: load, check and score in one pass (pipeline), what git knows, the score
history, diffs between revisions.
"""
