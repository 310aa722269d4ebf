"""Cross-report comparison: measurements as a table of region × year × indicator, the indicator
being a canonical id of the taxonomy, an open-vocabulary key (lawrep_nlp/keys.py) for what no
entry covers, or both (the canonical id where there is one, else the key, flagged as not
canonical). The chart of one indicator across reports is in chart.py."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

#: Columns of the comparison table, in order.
COMPARE_COLUMNS = ("region", "region_code", "year", "publisher", "title", "group", "group_kind", "canonical",
                   "canonical_name", "indicator_key", "value", "max", "unit", "approx",
                   "placeholder", "change", "confidence", "indicator", "quantity_text", "file", "start", "end",
                   "sentence", "values_in_report", "other_values")


#: What `lawrep compare --group-by` accepts.
GROUPINGS = ("canonical", "key", "both")


def group_of(measurement: dict[str, Any], by: str) -> tuple[str, str] | None:
    """(group, kind) of a measurement: its canonical id ("canonical"), its open-vocabulary key
    ("key"), or with "both" the canonical id where there is one, else the key."""
    canonical, key = measurement.get("canonical"), measurement.get("indicator_key")
    if by in ("canonical", "both") and canonical:
        return canonical, "canonical"
    if by in ("key", "both") and key:
        return key, "key"
    return None


def compare_rows(records: Iterable[dict[str, Any]], names: dict[str, str],
                 by: str = "canonical") -> list[dict[str, Any]]:
    """One row per report and indicator (grouped `by` canonical id, key or both): the first
    level the report states for it (reports give the headline figure first; later ones are parts
    or repeats; a change, 同比下降12件, is no level and counts only where the report gives no
    level; a placeholder, *件, states no value and counts only where the report states none:
    regression, it hid the 97件 after it), with a pointer to its sentence (file and character
    offsets) and the other values it states."""
    if by not in GROUPINGS:
        raise ValueError(f"group by one of {GROUPINGS}, not {by!r}")
    rows = []
    for record in records:
        groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for measurement in record.get("measurements", []):
            found = group_of(measurement, by)
            if found:
                groups.setdefault(found, []).append(measurement)
        for (group, kind), measurements in groups.items():
            levels = [m for m in measurements if not m.get("change")] or measurements
            first = next((m for m in levels if not m.get("placeholder")), levels[0])
            rows.append({
                "region": record.get("region"), "region_code": record.get("region_code"), "year": record.get("year"),
                "publisher": record.get("publisher"),
                "title": record.get("title"), "group": group, "group_kind": kind, "canonical": first["canonical"],
                "canonical_name": names.get(first["canonical"]), "indicator_key": first.get("indicator_key"),
                "value": first["value"], "max": first.get("max"), "unit": first["unit"],
                "approx": first["approx"], "placeholder": first["placeholder"], "change": first["change"],
                "confidence": first["canonical_confidence"], "indicator": first["indicator"],
                "quantity_text": first["quantity_text"], "file": record.get("file"), "start": first["start"],
                "end": first["end"], "sentence": first["sentence"], "values_in_report": len(measurements),
                "other_values": "; ".join(m["quantity_text"] for m in measurements if m is not first),
            })
    return sorted(rows, key=lambda r: (r["group"], str(r["region"]), str(r["year"]), str(r["file"])))


def most_reported(rows: list[dict[str, Any]]) -> str | None:
    """The indicator (group) for which the most reports state a value (placeholders and changes
    aside: the chart draws neither)."""
    counts = Counter(row["group"] for row in rows if row["value"] is not None and not row.get("change"))
    return max(sorted(counts), key=counts.__getitem__) if counts else None
