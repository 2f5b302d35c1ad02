#!/usr/bin/env python3
"""Fuzz the REST API against its OpenAPI schema (Schemathesis): ``make fuzz``.

Runs tests/contract/test_api_fuzz.py with the fuzz switch on: every operation of the schema
gets generated requests through the WSGI app, authenticated as the demo officer, and must
answer no 5xx and only documented statuses with bodies that match the schema.

    scripts/api_fuzz.py [--examples N] [--coverage] [pytest args...]

``--examples`` sets the generated cases per operation (default 25, three to five minutes);
``--coverage`` adds Schemathesis' coverage phase (boundary values of every field: 10 to 30
minutes). The run is seeded and derandomised: the same code gives the same cases. It needs
no network. DATABASE_URL / REDIS_URL are used as for ``make test``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="cases per operation")
    parser.add_argument("--coverage", action="store_true", help="add the coverage phase")
    args, pytest_args = parser.parse_known_args(argv)
    env = {
        **os.environ,
        "AIMS_FUZZ": "1",
        "AIMS_FUZZ_EXAMPLES": str(args.examples),
        "AIMS_FUZZ_COVERAGE": "1" if args.coverage else "0",
    }
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "tests/contract/test_api_fuzz.py",
        *pytest_args,
    ]
    return subprocess.call(command, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
