"""Shared ground every stage stands on: problems and their printing, exact decimals, safe file reading
and writing, YAML, environment variables, the staging folder, engine version gates.
"""
