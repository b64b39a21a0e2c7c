"""The course's figures: one style, attention heatmaps and bar charts.

The site shows every figure on a white card, in light and in dark mode, so figures use
a white background and dark text. Helpers leave their figures open (the build captures
every open figure) and never call `plt.show()` or `savefig`.
"""

from __future__ import annotations

import math

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

# Colour-blind friendly, distinct in greyscale too (blue, orange, green, red, purple, ...).
COLORS = ["#2b6cb0", "#dd6b20", "#2f855a", "#c53030", "#6b46c1", "#975a16", "#d53f8c", "#4a5568"]
CMAP = "Blues"  # sequential: more attention = darker

TEXT = "#222222"
LIGHT_TEXT = "#ffffff"
GRID = "#dddddd"


def use_style() -> None:
    """Set matplotlib's rcParams to the course style (safe to call any number of times)."""
    mpl.rcParams.update(
        {
            "figure.facecolor": "white",
            "axes.facecolor": "white",
            "savefig.facecolor": "white",
            "font.size": 10,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "legend.frameon": False,
            "text.color": TEXT,
            "axes.labelcolor": TEXT,
            "axes.edgecolor": "#444444",
            "xtick.color": TEXT,
            "ytick.color": TEXT,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": False,
            "grid.color": GRID,
            "axes.prop_cycle": mpl.cycler(color=COLORS),
            "image.cmap": CMAP,
        }
    )


def new_figure(width: float = 6.0, height: float = 3.0, ncols: int = 1, nrows: int = 1):
    """`(fig, ax)` (or `(fig, axes)` for several panels) in the course style."""
    use_style()
    return plt.subplots(nrows, ncols, figsize=(width, height), constrained_layout=True)


def _text_color(rgba) -> str:
    """White text on dark cells, dark text on light ones (by the cell's luminance)."""
    red, green, blue = rgba[:3]
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return LIGHT_TEXT if luminance < 0.5 else TEXT


def _ticks(n: int, labels) -> tuple[range, list]:
    """Every position for small matrices, about ten evenly spaced ones for big ones."""
    labels = [str(label) for label in (labels if labels is not None else range(n))]
    positions = range(0, n, 1 if n <= 20 else math.ceil(n / 10))
    return positions, [labels[p] for p in positions]


def _label_axes(ax, n_rows: int, n_cols: int, rows, columns) -> None:
    """Row labels on the left, column labels on top (slanted when they are long)."""
    ax.set_yticks(*_ticks(n_rows, rows))
    positions, columns = _ticks(n_cols, columns)
    slanted = max((len(c) for c in columns), default=0) > 3
    ax.set_xticks(positions, columns, rotation=45 if slanted else 0)
    if slanted:
        plt.setp(ax.get_xticklabels(), ha="left", rotation_mode="anchor")
    ax.tick_params(top=True, bottom=False, labeltop=True, labelbottom=False, length=0)
    ax.xaxis.set_label_position("top")
    for spine in ax.spines.values():
        spine.set_visible(False)


def heatmap(
    weights,
    rows=None,
    columns=None,
    ax=None,
    title=None,
    annotate=True,
    cmap=CMAP,
    vmin=0.0,
    vmax=None,
    digits=2,
    colorbar=False,
    xlabel="key",
    ylabel="query",
):
    """Draw a matrix of attention weights: row = query, column = key. Returns the axes.

    Each cell shows its value (when `annotate` and the matrix has at most 20 rows and
    columns), in white or dark text, whichever contrasts with the cell. Masked cells
    (nan or ±inf, e.g. -inf scores) are left blank and hatched. `vmax=None` uses the
    largest finite value; pass `vmin=None` for signed data such as raw scores.
    """
    use_style()
    if ax is None:
        n_rows, n_cols = np.shape(weights)
        _, ax = new_figure(width=min(1.0 + 0.6 * n_cols, 8.0), height=min(0.8 + 0.5 * n_rows, 6.0))
    values = np.ma.masked_invalid(np.asarray(weights, dtype=float))
    n_rows, n_cols = values.shape
    if vmax is None and values.count():
        vmax = values.max()
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    for i, j in zip(*np.nonzero(np.ma.getmaskarray(values))):
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///", ec=GRID, lw=0))
    if annotate and max(n_rows, n_cols) <= 20:
        fontsize = 9 if max(n_rows, n_cols) <= 8 else 7
        for i, j in zip(*np.nonzero(~np.ma.getmaskarray(values))):
            color = _text_color(image.cmap(image.norm(values[i, j])))
            label = f"{values[i, j]:.{digits}f}"
            ax.text(j, i, label, ha="center", va="center", color=color, fontsize=fontsize)
    _label_axes(ax, n_rows, n_cols, rows, columns)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8)
    return ax


def heatmaps(matrices, titles, rows=None, columns=None, ncols=4, **heatmap_kwargs):
    """Several heatmaps side by side (e.g. one per head), sharing one colour scale.

    Returns the figure. Row labels are drawn only in the first column of panels; with
    `colorbar=True` a single colour bar serves every panel.
    """
    matrices = [np.asarray(m, dtype=float) for m in matrices]
    finite = [m[np.isfinite(m)] for m in matrices]
    shared_max = max((f.max() for f in finite if f.size), default=1.0)
    heatmap_kwargs.setdefault("vmax", shared_max)
    colorbar = heatmap_kwargs.pop("colorbar", False)
    ncols = min(ncols, len(matrices))
    nrows = math.ceil(len(matrices) / ncols)
    n_rows, n_cols = matrices[0].shape
    fig, axes = new_figure(
        width=min(ncols * (0.8 + 0.45 * n_cols), 12.0),
        height=nrows * (0.9 + 0.4 * n_rows),
        ncols=ncols,
        nrows=nrows,
    )
    axes = np.atleast_1d(axes).ravel()
    for k, (ax, matrix, title) in enumerate(zip(axes, matrices, titles)):
        heatmap(matrix, rows, columns, ax=ax, title=title, **heatmap_kwargs)
        if k % ncols:
            ax.tick_params(labelleft=False)
            ax.set_ylabel("")
    for ax in axes[len(matrices) :]:
        ax.set_visible(False)
    if colorbar:
        fig.colorbar(axes[0].images[0], ax=list(axes[: len(matrices)]), shrink=0.8)
    return fig


def bar_weights(weights, labels, ax=None, title=None):
    """Bar chart of one distribution of weights over labelled positions; returns the axes."""
    use_style()
    if ax is None:
        _, ax = new_figure(width=max(3.0, 0.6 * len(labels) + 1.0), height=2.6)
    weights = np.asarray(weights, dtype=float)
    bars = ax.bar(range(len(weights)), weights, color=COLORS[0])
    ax.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
    ax.set_xticks(range(len(weights)), labels)
    ax.set_ylim(0.0, max(1.0, float(weights.max())) * 1.12)
    ax.set_ylabel("weight")
    if title:
        ax.set_title(title)
    return ax
