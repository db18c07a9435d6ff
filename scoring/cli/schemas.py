"""Write the JSON Schemas of every declared file (schemas/): ``python -m scoring.cli.schemas [FOLDER]``."""

from __future__ import annotations

import sys
from pathlib import Path

from ..core import places
from ..model.formats import write_schemas
from ..registers.registers import write_schemas as write_register_schemas


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else places.REPO / "schemas"
    for path in (*write_schemas(folder), *write_register_schemas(folder / "registers")):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
