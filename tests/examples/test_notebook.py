"""examples/compare_regions.ipynb runs from top to bottom (executed here with nbclient, from the
repository root, in a kernel of this very interpreter) and its pivot is a non-empty table."""

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from ..conftest import ROOT

NOTEBOOK = ROOT / "examples" / "compare_regions.ipynb"
KERNEL = "lawrep-test-python"


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch) -> str:
    """A kernelspec that starts `sys.executable`, first on JUPYTER_PATH: the notebook runs in this
    environment whatever other python3 kernels the machine or the user has installed."""
    spec = tmp_path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "lawrep tests", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    return KERNEL


def test_the_notebook_is_stored_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(cell.outputs == [] and cell.execution_count is None for cell in code)


def test_the_notebook_runs_and_pivots_regions_by_year(kernel: str):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name=kernel,
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    pivot = next(cell for cell in notebook.cells if "pivot" in cell.metadata.get("tags", []))
    html = pivot.outputs[0]["data"]["text/html"]
    assert "<table" in html and "region" in html and "year" in html  # a region × year table
    assert pivot.outputs[0]["data"]["text/plain"].count("\n") >= 3  # header and rows
    images = [output for cell in notebook.cells for output in cell.get("outputs", []) if "image/png" in output.get("data", {})]
    assert len(images) == 2  # the write_chart chart and the analyst's own
    stderr = [output["text"] for cell in notebook.cells for output in cell.get("outputs", []) if output.get("name") == "stderr"]
    assert not any("missing" in text or "findfont" in text for text in stderr), stderr
