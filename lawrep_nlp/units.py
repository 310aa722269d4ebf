"""The one unit table (data/units.tsv): which words follow a number as its unit, what each
measures, and which of them may end a QUANTITY.

The tokenizer cuts every unit off the word after a number, lawrep_quantities ends quantities
with those marked ``quantity`` yes, and the canonical mapper compares their dimensions, so a unit
added here reaches all three at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

UNITS_FILE = Path(__file__).parent / "data" / "units.tsv"


@dataclass(frozen=True)
class Unit:
    text: str
    dimension: str
    ends_quantity: bool


def read_units(path: str | Path = UNITS_FILE) -> list[Unit]:
    """Rows of a unit table: ``unit<TAB>dimension<TAB>yes|no``; # lines are comments."""
    units = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[2] not in ("yes", "no"):
            raise ValueError(f"{path}:{number}: expected unit<TAB>dimension<TAB>yes|no, got {line!r}")
        units.append(Unit(fields[0], fields[1], fields[2] == "yes"))
    return units


def quantity_units(path: str | Path = UNITS_FILE) -> dict[str, str]:
    """Units that end a QUANTITY, with their dimension."""
    return {unit.text: unit.dimension for unit in read_units(path) if unit.ends_quantity}


def segmentation_units(path: str | Path = UNITS_FILE) -> frozenset[str]:
    """Every unit, for the tokenizer's cut after a number."""
    return frozenset(unit.text for unit in read_units(path))
