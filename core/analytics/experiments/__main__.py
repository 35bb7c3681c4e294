"""python -m core.analytics.experiments --input FILE.json

Prints the report of `analysis.analyse` as one JSON object on the last line. Bad input: one line
on stderr and exit status 2, nothing on stdout. The input is described in docs/experiments.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from core.analytics.experiments.analysis import analyse
from core.analytics.experiments.inputs import InputError, load

EXIT_BAD_INPUT = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m core.analytics.experiments",
        description="A/B experiment statistics: lift, interval, p-value or chance to win, SRM.",
    )
    parser.add_argument("--input", required=True, type=Path, help="the experiment as JSON")
    args = parser.parse_args(argv)
    try:
        report = analyse(load(args.input))
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(report, allow_nan=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
