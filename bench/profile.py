"""`python -m bench.profile`: cProfile of engine completions on the loop, on SQLite.

Drives one loop case to `--skip` iterations unprofiled, then profiles the
next `--count` completions and prints the functions with the most
cumulative and own time. The findings are summarised in bench/README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from pathlib import Path

from bench.completion import EngineCase, open_engine
from bench.workloads import LOOP_KEY, loop_input


def main() -> None:
    """Profile engine completions after `--skip` iterations."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("--skip", type=int, default=5, help="iterations before profiling")
    parser.add_argument("--count", type=int, default=50, help="completions profiled")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        eng = open_engine(f"sqlite:///{tmp}/profile.db", Path(tmp))
        case = EngineCase(eng, LOOP_KEY)
        for i in range(1, args.skip + 1):
            case.apply(loop_input(i))
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.skip + 1, args.skip + args.count + 1):
            case.apply(loop_input(i))
        profiler.disable()
        eng.close()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
