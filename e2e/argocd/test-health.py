#!/usr/bin/env python3
"""Runs the Argo CD health check (helm/vigil/files/argocd-health.lua) on Lua 5.1, with the string library removed
as in Argo CD's default sandbox, against every fixture in the given directories. A fixture's file name says the
health it must get: <Healthy|Progressing|Degraded>--<case>.json. Prints a line per fixture and
'N passed, N failed'."""
import json
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
script = os.path.join(root, "helm", "vigil", "files", "argocd-health.lua")
lua = os.environ.get("LUA", "lua5.1")


def to_lua(v):
    if v is None:
        return "nil"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return '"' + "".join(c if c not in '"\\\n' else {'"': '\\"', "\\": "\\\\", "\n": "\\n"}[c] for c in v) + '"'
    if isinstance(v, list):
        return "{" + ", ".join(to_lua(x) for x in v) + "}"
    return "{" + ", ".join(f"[{to_lua(k)}] = {to_lua(x)}" for k, x in v.items()) + "}"


def health(obj):
    program = (f"string = nil\nobj = {to_lua(obj)}\n"
               f"local check = assert(loadfile({to_lua(script)}))\n"
               "local hs = check()\nio.write(hs.status, '\\n', hs.message)\n")
    r = subprocess.run([lua, "-"], input=program, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip())
    status, _, message = r.stdout.partition("\n")
    return status, message


passed = failed = 0
for d in sys.argv[1:]:
    for name in sorted(os.listdir(d)):
        if not name.endswith(".json"):
            continue
        expected = name.split("--")[0]
        obj = json.load(open(os.path.join(d, name)))
        try:
            status, message = health(obj)
        except RuntimeError as e:
            status, message = "error", str(e)
        ready = next((c for c in obj.get("status", {}).get("conditions", []) if c["type"] == "Ready"), None)
        ok = status == expected
        if ok and expected in ("Healthy", "Degraded"):
            ok = message == ready["message"]  # the condition's message is what Argo CD shows
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {status}: {message}")
        passed += ok
        failed += not ok
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or passed == 0 else 0)
