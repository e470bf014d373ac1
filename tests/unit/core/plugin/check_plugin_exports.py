#!/usr/bin/env python3
"""Fails unless every plugin given exports exactly the two relay ABI symbols."""
import subprocess
import sys

EXPECTED = {"relay_plugin_abi_version", "relay_plugin_init"}


def exported(nm, path):
    out = subprocess.run([nm, "-D", "--defined-only", path], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if line.strip()}


def main():
    nm, paths = sys.argv[1], sys.argv[2:]
    failed = False
    for path in paths:
        symbols = exported(nm, path)
        if symbols != EXPECTED:
            extra = sorted(symbols - EXPECTED)
            missing = sorted(EXPECTED - symbols)
            print(f"{path}: exports {extra} beyond the ABI, missing {missing}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
