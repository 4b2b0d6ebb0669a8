"""`python -m bench.profile`: where an engine completion's time goes, by pyinstrument.

Drives engine completions on SQLite (the loop after `--skip` iterations, or
whole LTSA cases), samples them with pyinstrument and prints the call tree;
`--html` also writes it as a page to open in a browser. The findings are
summarised in bench/README.md.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from bench.completion import EngineCase, open_engine
from bench.workloads import LOOP_KEY, LTSA_KEY, loop_input, ltsa_inputs


def main(argv: list[str] | None = None) -> None:
    """Profile engine completions of the loop or of LTSA cases."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--workload", choices=("loop", "ltsa"), default="loop")
    parser.add_argument("--skip", type=int, default=5, help="loop iterations before profiling")
    parser.add_argument("--count", type=int, default=1000, help="loop completions or LTSA cases")
    parser.add_argument("--interval", type=float, default=0.0005, help="seconds between samples")
    parser.add_argument("--html", type=Path, help="also write the profile as an HTML page")
    args = parser.parse_args(argv)
    profiler = Profiler(interval=args.interval)
    with tempfile.TemporaryDirectory() as tmp:
        eng = open_engine(f"sqlite:///{tmp}/profile.db", Path(tmp))
        if args.workload == "loop":
            case = EngineCase(eng, LOOP_KEY)
            for i in range(1, args.skip + 1):
                case.apply(loop_input(i))
            with profiler:
                for i in range(args.skip + 1, args.skip + args.count + 1):
                    case.apply(loop_input(i))
        else:
            serial = itertools.count(1)
            EngineCase(eng, LTSA_KEY)  # warm the version cache outside the profile
            with profiler:
                for _ in range(args.count):
                    case = EngineCase(eng, LTSA_KEY)
                    for step in ltsa_inputs(next(serial)):
                        case.apply(step)
        eng.close()
    print(profiler.output_text(unicode=True, color=False))
    if args.html:
        args.html.parent.mkdir(parents=True, exist_ok=True)
        args.html.write_text(profiler.output_html())
        print(f"written: {args.html}")


if __name__ == "__main__":
    main()
