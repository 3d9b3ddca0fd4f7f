#!/usr/bin/env python3
"""Start-up timing for BENCHMARKS.md's one-small-file row: the commands run in turn (A B C A B C
...), so a burst of noise on the machine lands on all of them alike. Run one after another, as
hyperfine does, two runs of the same binary on the guest differed by 0.5 ms, more than the
difference being measured. Usage: bench/startup.py ROUNDS COMMAND...
"""
import os
import shlex
import statistics
import sys
import time

WARMUP = 10


def main():
    rounds = int(sys.argv[1])
    commands = sys.argv[2:]
    argvs = [shlex.split(command) for command in commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    quiet = [(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)]
    times = [[] for _ in argvs]
    for round_ in range(WARMUP + rounds):
        for argv, samples in zip(argvs, times):
            start = time.perf_counter()
            pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=quiet)
            os.waitpid(pid, 0)
            if round_ >= WARMUP:
                samples.append(time.perf_counter() - start)
    base = statistics.median(times[-1])
    for command, samples in zip(commands, times):
        median = statistics.median(samples)
        print(f"  {median * 1000:6.2f} ms median  {median / base:5.2f}× the last  {command}")


if __name__ == "__main__":
    main()
