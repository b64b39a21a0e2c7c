"""Hostile snippets as corpus cases: each a one-note vault built with execution on.

`tests/test_hostile_snippets.py` checks the workers piece by piece, in process; these rows
put the same misbehaviour through a real `mkdocs build` child, so the reliability report
(`bench/reliability.py`) counts them with the hostile vaults: reported on `file:line`, the
build finishes in time, nothing is left running, the vault unchanged.

Every note is a title, a blank line and a fence, so a block's code starts on line 4 (5
after a `#|` option line). What a write outside the scratch folder gives depends on the
kernel: under Landlock it fails on its line; without it, the change is reported on the
block and the vault is changed (`Case.changes_vault`).
"""

from __future__ import annotations

from mkdocs_vault.execute.sandbox import abi_version

from hostile.cases import Case

SANDBOXED = abi_version()[0] > 0
LINGER = "987654"  # the seconds every process a case leaves behind sleeps: how it is found


def _note(code: str) -> dict[str, str]:
    return {"Hostile.md": f"# Hostile\n\n```python exec\n{code}\n```\n", "data.csv": "a,b\n1,2\n"}


def _case(name: str, code: str, *expect: tuple[int, str], **fields) -> Case:
    return Case(
        name,
        _note(code),
        tuple((f"vault/Hostile.md:{line}", fragment) for line, fragment in expect),
        execute=True,
        **fields,
    )


def _vault_write(name: str, code: str, refused: str, reported: str) -> Case:
    """A block that changes data.csv: refused under the sandbox, else reported."""
    if SANDBOXED:
        return _case(name, code, (4, refused))
    return _case(name, code, (4, reported), changes_vault=True)


_SLEEPER = f"sleep {LINGER} >/dev/null 2>&1"

SNIPPET_CASES: tuple[Case, ...] = (
    _case(
        "snippet-infinite-loop", "#| timeout: 2\nwhile True:\n    pass", (5, "timed out after 2 s")
    ),
    _case(
        "snippet-sleep", "#| timeout: 2\nimport time\ntime.sleep(10**6)", (5, "timed out after 2 s")
    ),
    _case(
        "snippet-memory-bomb",
        "hoard = []\nwhile True:\n    hoard.append(bytearray(10**8))",
        (6, "MemoryError"),
    ),
    _case("snippet-sys-exit", "import sys\nsys.exit(3)", (5, "SystemExit: 3")),
    _case("snippet-os-exit", "import os\nos._exit(1)", (4, "exit code 1")),
    _case("snippet-segfault", "import ctypes\nctypes.string_at(0)", (4, "exit code -11")),
    _case(
        "snippet-forked-child-lingers",
        f"import os, time\nif os.fork() == 0:\n    os.execvp('sleep', ['sleep', '{LINGER}'])",
    ),
    _case(
        "snippet-starts-daemons",
        f"import subprocess\nsubprocess.run(['sh', '-c', '{_SLEEPER} & setsid {_SLEEPER} &'])",
    ),
    _case(
        "snippet-times-out-with-children",
        f"#| timeout: 2\nimport subprocess, time\nsubprocess.Popen(['sleep', '{LINGER}'])\n"
        f"subprocess.run(['sh', '-c', 'setsid {_SLEEPER} &'])\ntime.sleep(10**6)",
        (5, "timed out after 2 s"),
    ),
    _case(
        "snippet-prints-100-mb",
        "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 10**6)",
    ),
    _case(
        "snippet-leaves-figures-open",
        "import matplotlib.pyplot as plt\nfor n in range(3):\n    plt.figure()\n"
        "    plt.plot([0, n])\nplt.rcParams['lines.linewidth'] = 9",
    ),
    _case(
        "snippet-raises-in-del",
        "class Grumpy:\n    def __del__(self):\n        raise ValueError('in __del__')\n\n"
        "g = Grumpy()\ndel g",
    ),
    _case(
        "snippet-writes-scratch-and-temp",
        "import tempfile\nopen('mine.txt', 'w').write('ok')\ntempfile.mkstemp()",
    ),
    _vault_write(
        "snippet-writes-vault-python",
        "(NOTE_DIR / 'data.csv').write_text('gone')",
        "PermissionError",
        "snippet wrote into the vault: data.csv",
    ),
    _vault_write(
        "snippet-writes-vault-subprocess",
        "import subprocess; subprocess.run(['sh', '-c', 'echo x >> data.csv'], "
        "cwd=NOTE_DIR, check=True)",
        "CalledProcessError",
        "the vault changed while this block ran: data.csv was changed",
    ),
    _vault_write(
        "snippet-writes-vault-ctypes",
        "import ctypes, os; fd = ctypes.CDLL(None).open(str(NOTE_DIR / 'data.csv').encode(), "
        "os.O_WRONLY | os.O_TRUNC); assert fd >= 0, 'refused'",
        "AssertionError: refused",
        "the vault changed while this block ran: data.csv was changed",
    ),
    _case(
        "snippet-writes-outside-the-vault",
        "(NOTE_DIR.parent / 'outside.txt').write_text('left behind')",
        *([(4, "PermissionError")] if SANDBOXED else []),
    ),
)
