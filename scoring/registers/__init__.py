"""The registers (台账) under registers/: their declared columns, the facts they count for rows, the
annual report's tables.
"""
