"""The command line: arguments, printing, exit codes; the live preview; new evidence files; the JSON
Schema writer.
"""
