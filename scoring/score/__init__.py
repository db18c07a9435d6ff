"""Scoring: a score table from a scheme and its facts, the arithmetic checked on every table,
implausible facts, the assessors' 核定分.
"""
