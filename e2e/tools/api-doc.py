#!/usr/bin/env python3
"""Writes docs/api.md, the API reference, from the generated CRDs (every field, its type, default, bounds,
validation rules and description), so the reference can never disagree with what the apiserver enforces."""
import json
import os
import sys

import yaml


def constraints(s):
    out = []
    for key, label in (("minimum", "min"), ("maximum", "max"), ("minLength", "minLength"), ("maxLength", "maxLength"),
                       ("minItems", "minItems"), ("maxItems", "maxItems"), ("maxProperties", "maxProperties"),
                       ("pattern", "pattern")):
        if key in s:
            out.append(f"{label} `{s[key]}`")
    if "enum" in s:
        out.append("one of " + ", ".join(f"`{v}`" for v in s["enum"]))
    for rule in s.get("x-kubernetes-validations", []):
        out.append(f"rule `{rule['rule']}` ({rule.get('message', '')})")
    return "; ".join(out).replace("|", "\\|")


def type_of(s):
    t = s.get("type", "")
    if t == "array":
        return "[]" + type_of(s.get("items", {}))
    if s.get("x-kubernetes-int-or-string"):
        return "int-or-string"
    if s.get("x-kubernetes-preserve-unknown-fields") and not s.get("properties"):
        return "object (free-form)"
    if t == "object" and "additionalProperties" in s:
        return "map[string]" + type_of(s["additionalProperties"])
    return t


def walk(prefix, s, required, rows):
    for name in sorted(s.get("properties", {})):
        p = s["properties"][name]
        path = f"{prefix}.{name}"
        desc = " ".join(p.get("description", "").split()).replace("|", "\\|")
        default = f"`{json.dumps(p['default'])}`" if "default" in p else ""
        req = "yes" if name in required else ""
        rows.append(f"| `{path}` | {type_of(p)} | {req} | {default} | {constraints(p)} | {desc} |")
        child = p.get("items", p) if p.get("type") == "array" else p
        if child.get("properties") and not path.endswith(".resources") and "LabelSelector" not in desc:
            walk(path + ("[]" if p.get("type") == "array" else ""), child, child.get("required", []), rows)


def main(directory):
    print("# Vigil API reference (`vigil.dev/v1alpha1`)\n")
    print("Generated from the CRDs in `crds/` by `e2e/tools/generated.sh update`; CI fails when it is out of date.")
    print("Bounds, patterns and rules are enforced by the apiserver at admission; defaults are filled in by it.\n")
    for f in sorted(os.listdir(directory)):
        crd = yaml.safe_load(open(os.path.join(directory, f)))
        names = crd["spec"]["names"]
        version = crd["spec"]["versions"][0]
        schema = version["schema"]["openAPIV3Schema"]
        print(f"## {names['kind']}\n")
        print(f"`kubectl get {names['plural']}` (short name `{', '.join(names.get('shortNames', []))}`), "
              f"{crd['spec']['scope'].lower()}.")
        sub = version.get("subresources", {})
        if "scale" in sub:
            print(f" Scale subresource: `{sub['scale']['specReplicasPath']}` "
                  f"(`kubectl scale {names['shortNames'][0]}/NAME --replicas=N`).")
        cols = ", ".join(c["name"] for c in version.get("additionalPrinterColumns", []))
        print(f"\nPrinter columns: {cols}.\n")
        for part in ("spec", "status"):
            print(f"### {names['kind']}.{part}\n")
            print("| field | type | required | default | validation | description |")
            print("|---|---|---|---|---|---|")
            rows = []
            node = schema["properties"][part]
            walk(part, node, node.get("required", []), rows)
            print("\n".join(rows))
            print()


if __name__ == "__main__":
    main(sys.argv[1])
