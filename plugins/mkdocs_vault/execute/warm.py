"""Imported once by the fork server, before any worker is forked from it.

Whatever this module does is paid once per build instead of once per worker: importing
numpy and matplotlib (≈0.4 s of CPU) and a first SVG draw (fonts, text layout caches).
Bytecode writing is turned off first, so nothing lands in a watched folder.
"""

import io
import os
import sys

sys.dont_write_bytecode = True
os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
os.environ["MPLBACKEND"] = "Agg"

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import cloudpickle  # noqa: E402, F401 - snapshots after every block
import matplotlib.pyplot as plt  # noqa: E402
import numpy  # noqa: E402, F401

from . import runner  # noqa: E402, F401


def _first_draw() -> None:
    figure, axes = plt.subplots(figsize=(2, 1))
    axes.plot([0, 1], [0, 1], label="warm")
    axes.set_title("warm-up")
    axes.legend()
    figure.savefig(io.BytesIO(), format="svg", bbox_inches="tight")
    plt.close("all")


_first_draw()
