"""What comes back after the dossier: comparing with last year, the roll-up of many bureaus, and the
核定分 commands.
"""
