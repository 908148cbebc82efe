"""Ways to damage tiny generated data, for the bad-input reliability tests.

``tests/test_reliability/test_<system>_bad_inputs.py`` feed each class of bad input
(truncated files, malformed rows, non-finite values, inconsistent files) to a system's
readers and tools and check that the error names the file (and the row), that a batch
carries on past it and that nothing is left looking finished. Stdlib only.
"""
import csv
import json
import os
from typing import Iterable, List


def truncate(path: str, keep: float = 0.5) -> str:
    """Cut a file to ``keep`` of its size in place (a copy or download that stopped)."""
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:max(1, int(len(data) * keep))])
    return str(path)


def leftovers(folder: str) -> List[str]:
    """Temporary or partial files under ``folder`` (``*.tmp``, ``*.part``, ``.<x>.tmp``
    folders): a finished or failed run must leave none."""
    out = []
    for root, dirs, files in os.walk(folder):
        for n in dirs + files:
            if n.endswith(('.tmp', '.part')) or '.part.' in n:
                out.append(os.path.join(root, n))
    return out


def write_json(path: str, obj) -> str:
    """Write ``obj`` as JSON (or a string as is), creating the folder."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(obj if isinstance(obj, str) else json.dumps(obj))
    return str(path)


def rewrite_csv(path: str, edit) -> str:
    """Read a CSV as rows (header first), let ``edit(rows)`` change the list, write it back."""
    with open(path, newline='', encoding='utf-8') as f:
        rows = list(csv.reader(f))
    edit(rows)
    with open(path, 'w', newline='', encoding='utf-8') as f:
        csv.writer(f, lineterminator='\n').writerows(rows)
    return str(path)


def files_under(folder: str, suffixes: Iterable[str] = ('',)) -> List[str]:
    """Relative paths of the files under ``folder`` ending with one of ``suffixes``."""
    suffixes = tuple(suffixes)
    return sorted(os.path.relpath(os.path.join(r, n), folder)
                  for r, _, fs in os.walk(folder) for n in fs if n.endswith(suffixes))
