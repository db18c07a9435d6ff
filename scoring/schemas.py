"""Write the JSON Schemas of every declared file (schemas/): ``python -m scoring.schemas [FOLDER]``."""

from __future__ import annotations

import sys
from pathlib import Path

from .formats import write_schemas
from .registers import write_schemas as write_register_schemas


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "schemas"
    for path in (*write_schemas(folder), *write_register_schemas(folder / "registers")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
