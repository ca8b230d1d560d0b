#!/usr/bin/env python3
"""Reads the local apiserver's audit log from a mark on, across its rotations.

The apiserver rotates the log at 100 MB (its --audit-log-maxsize default): the file is renamed to
audit-<time>.log and a new audit.log begins. A plain byte offset into audit.log then points into the new, shorter
file, and a count from it silently misses what was written before the rotation. A mark therefore names the file by
its inode as well: reading follows that file wherever the rotation moved it, then every file written after it.

usage: auditlog.py mark AUDIT_LOG      prints a mark (INODE:BYTE) for the end of the log as it is now
Used by e2e/audit-writes.py and bench/audit-requests.py (import auditlog; auditlog.events(path, mark))."""
import json
import os
import sys


def mark(path):
    st = os.stat(path)
    return f"{st.st_ino}:{st.st_size}"


def _files(path, inode):
    """The marked file, then every file of the log written after it, oldest first (the current one last)."""
    folder = os.path.dirname(path) or "."
    stem, ext = os.path.splitext(os.path.basename(path))
    logs = []
    for name in os.listdir(folder):
        if name.startswith(stem) and name.endswith(ext):
            full = os.path.join(folder, name)
            st = os.stat(full)
            logs.append((st.st_mtime, full, st.st_ino))
    logs.sort()
    at = next((i for i, (_, _, ino) in enumerate(logs) if ino == inode), None)
    if at is None:
        raise SystemExit(f"{path}: the file marked (inode {inode}) is gone: rotated away and deleted")
    return [full for _, full, _ in logs[at:]]


def events(path, since):
    """Every completed request logged after the mark `since` (INODE:BYTE, from mark()), in the order logged."""
    if ":" not in since:
        raise SystemExit(f"not a mark: {since!r} (a byte offset alone cannot follow a rotation; use auditlog.py mark)")
    inode, offset = (int(x) for x in since.split(":"))
    files = _files(path, inode)
    if os.stat(files[0]).st_size < offset:   # a new file that was given the inode of a deleted one
        raise SystemExit(f"{files[0]}: shorter than the mark {since}: not the file marked (rotated away and deleted)")
    for i, name in enumerate(files):
        with open(name, "rb") as f:
            if i == 0:
                f.seek(offset)
            for raw in f:
                try:
                    e = json.loads(raw)
                except ValueError:
                    continue
                if e.get("stage") == "ResponseComplete":
                    yield e


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "mark":
        raise SystemExit(__doc__)
    print(mark(sys.argv[2]))
