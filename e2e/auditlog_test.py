#!/usr/bin/env python3
"""Tests of e2e/auditlog.py: a count from a mark sees what was logged before and after the apiserver rotated the
log, and nothing from before the mark. Run by e2e/test-all.sh:  python3 e2e/auditlog_test.py"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import auditlog  # noqa: E402


def event(name, verb="patch"):
    return json.dumps({"stage": "ResponseComplete", "verb": verb, "userAgent": "fabric8-kubernetes-client/7.5",
                       "objectRef": {"resource": "configmaps", "namespace": "n", "name": name}}) + "\n"


class AuditLogTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.log = os.path.join(self.dir, "audit.log")
        with open(self.log, "w") as f:
            f.write(event("before-1") + event("before-2") + json.dumps({"stage": "RequestReceived"}) + "\n")
        self.mark = auditlog.mark(self.log)

    def append(self, path, *names):
        with open(path, "a") as f:
            for n in names:
                f.write(event(n))
        time.sleep(0.02)   # distinct modification times, as between real rotations

    def rotate(self, stamp):
        os.rename(self.log, os.path.join(self.dir, f"audit-2026-12-07T{stamp}.000.log"))

    def names(self):
        return [e["objectRef"]["name"] for e in auditlog.events(self.log, self.mark)]

    def test_without_rotation_reads_from_the_mark(self):
        self.append(self.log, "after-1")
        self.assertEqual(self.names(), ["after-1"])

    def test_follows_the_marked_file_across_two_rotations(self):
        self.append(self.log, "after-1")
        self.rotate("06-00-00")
        self.append(self.log, "after-2")
        self.rotate("06-00-01")
        self.append(self.log, "after-3", "after-4")
        self.assertEqual(self.names(), ["after-1", "after-2", "after-3", "after-4"])

    def test_older_rotations_are_not_read(self):
        self.rotate("05-59-59")
        self.append(self.log, "x")   # a new audit.log, then a mark in it
        self.mark = auditlog.mark(self.log)
        self.append(self.log, "after-1")
        self.assertEqual(self.names(), ["after-1"])

    def test_a_byte_offset_alone_is_refused(self):
        with self.assertRaises(SystemExit):
            list(auditlog.events(self.log, self.mark.split(":")[1]))

    def test_the_marked_file_deleted_is_an_error_not_zero(self):
        self.rotate("06-00-00")
        os.remove(os.path.join(self.dir, "audit-2026-12-07T06-00-00.000.log"))
        self.append(self.log, "after-1")
        with self.assertRaises(SystemExit):
            self.names()

    def test_audit_writes_counts_across_a_rotation(self):
        self.append(self.log, "after-1")
        self.rotate("06-00-00")
        self.append(self.log, "after-2")
        out = subprocess.check_output([sys.executable, os.path.join(here, "audit-writes.py"), self.log, self.mark],
                                      text=True)
        self.assertIn("writes=2 ", out)


if __name__ == "__main__":
    unittest.main()
