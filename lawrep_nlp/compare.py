"""Cross-report comparison: the measurements that have a canonical indicator, as a table of
region × year × canonical indicator, and a bar chart of one indicator across reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Columns of the comparison table, in order.
COMPARE_COLUMNS = ("region", "year", "canonical", "canonical_name", "value", "unit", "approx", "placeholder",
                   "change", "confidence", "indicator", "quantity_text", "file", "start", "end", "sentence",
                   "values_in_report", "other_values")
#: Fonts that can draw Chinese labels, in order of preference (the first one installed is used).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
             "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")


def compare_rows(records: Iterable[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
    """One row per report and canonical indicator: the first value the report states for it
    (reports give the headline figure first; later ones are parts or repeats), with a pointer
    to its sentence (file and character offsets) and the other values it states."""
    rows = []
    for record in records:
        by_canonical: dict[str, list[dict[str, Any]]] = {}
        for measurement in record.get("measurements", []):
            if measurement.get("canonical"):
                by_canonical.setdefault(measurement["canonical"], []).append(measurement)
        for canonical, measurements in by_canonical.items():
            first = measurements[0]
            rows.append({
                "region": record.get("region"), "year": record.get("year"), "canonical": canonical,
                "canonical_name": names.get(canonical), "value": first["value"], "unit": first["unit"],
                "approx": first["approx"], "placeholder": first["placeholder"], "change": first["change"],
                "confidence": first["canonical_confidence"], "indicator": first["indicator"],
                "quantity_text": first["quantity_text"], "file": record.get("file"), "start": first["start"],
                "end": first["end"], "sentence": first["sentence"], "values_in_report": len(measurements),
                "other_values": "; ".join(m["quantity_text"] for m in measurements[1:]),
            })
    return sorted(rows, key=lambda r: (r["canonical"], str(r["region"]), str(r["year"]), str(r["file"])))


def most_reported(rows: list[dict[str, Any]]) -> str | None:
    """The canonical indicator for which the most reports state a value (placeholders aside)."""
    counts = Counter(row["canonical"] for row in rows if row["value"] is not None)
    return max(sorted(counts), key=counts.__getitem__) if counts else None


def write_chart(rows: list[dict[str, Any]], canonical: str, path: Path) -> int:
    """A horizontal bar chart of one canonical indicator across reports (one bar per report,
    largest first; hatched with ≈ when the value is approximate). Returns the number of bars;
    raises ValueError when no report states a value for it."""
    import logging

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    chosen = sorted((r for r in rows if r["canonical"] == canonical and r["value"] is not None),
                    key=lambda r: r["value"])
    if not chosen:
        raise ValueError(f"no report states a value for {canonical}")
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)  # weight fallbacks are harmless
    installed = {font.name for font in font_manager.fontManager.ttflist}
    families = [name for name in CJK_FONTS if name in installed] + ["DejaVu Sans"]
    labels = [f"{r['region'] or Path(str(r['file'])).stem} {r['year'] or ''}".strip() for r in chosen]
    with plt.rc_context({"font.family": families, "axes.unicode_minus": False}):
        figure, axes = plt.subplots(figsize=(9.0, 1.2 + 0.45 * len(chosen)))
        bars = axes.barh(range(len(chosen)), [r["value"] for r in chosen], color="#4c72b0",
                         hatch=["//" if r["approx"] else "" for r in chosen], edgecolor="white")
        for bar, row in zip(bars, chosen, strict=True):
            text = f" {'≈' if row['approx'] else ''}{row['value']:g}{row['unit'] or ''}"
            axes.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center", fontsize=9)
        axes.set_yticks(range(len(chosen)), labels, fontsize=9)
        axes.set_xlabel(" / ".join(sorted({r["unit"] or "" for r in chosen})))
        axes.set_title(f"{chosen[0]['canonical_name'] or canonical} ({canonical})")
        axes.spines[["top", "right"]].set_visible(False)
        axes.margins(x=0.15)
        figure.tight_layout()
        figure.savefig(path, dpi=120)
        plt.close(figure)
    return len(chosen)
