#!/usr/bin/env python3
"""Build the assessment outputs: ``python build.py --help``."""

import sys

from scoring.cli import main

if __name__ == "__main__":
    sys.exit(main())
