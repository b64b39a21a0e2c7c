"""Helpers for a note's blocks to present results: `matrix(...)` as a labelled table.

A block's last expression is rendered after it; a bare numpy array becomes an
unlabelled table, `matrix(a, rows=tokens, columns=tokens)` a labelled one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .execute.runner import matrix_html


@dataclass
class Matrix:
    """A 1-D or 2-D array with optional row/column labels, shown as an HTML table."""

    values: Any
    rows: list[str] | None = None
    columns: list[str] | None = None
    digits: int = 3
    heatmap: bool = False

    def _repr_html_(self) -> str:
        return matrix_html(self.values, self.rows, self.columns, self.digits, self.heatmap)


def matrix(values, rows=None, columns=None, digits: int = 3, heatmap: bool = False) -> Matrix:
    """Label a matrix for display: `matrix(weights, rows=tokens, columns=tokens)`.

    `heatmap=True` shades each cell by its value (lowest: clear, highest: full accent).
    """
    return Matrix(values, _labels(rows), _labels(columns), digits, heatmap)


def _labels(items) -> list[str] | None:
    return None if items is None else [str(item) for item in items]
