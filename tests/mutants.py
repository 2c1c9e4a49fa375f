#!/usr/bin/env python3
# faultline:author-only — a small mutator of our own over every exercise's solution
# regions (cargo-mutants would rebuild the workspace per mutant; this rebuilds one binary).
#
# For each line inside `// faultline:solution begin … end` of each scenario's reference
# files, each operator that applies makes one mutant: the file is rewritten, the
# `faultline` binary rebuilt (a mutant that does not compile is not viable), and the
# exercise graded (`faultline grade <exercise>`: exit status 1 means the rubric rejects
# it). The original file is restored after each mutant, whatever happens.
#
#   python3 tests/mutants.py [exercise ...]   (from the repository root; prints the table)
#   python3 tests/mutants.py --sample N --seed S [exercise ...]
#       grades N mutants per exercise drawn with a seeded shuffle (the same N and S give the
#       same mutants): a quick check, not the recorded score.
#   --check: exit 1 if a survivor is not one of the known equivalents (EQUIVALENT below);
#       `.ci/run` runs `--sample 2 --seed 1 --check`.
#
# Operators: delete a statement, drop an `.await`, `send(x).await` → `try_send(x)`,
# remove an `abort_all()`, a drop guard / `drop(..)`, a permit / lease binding, a `?`, run a
# `spawn_blocking` closure in place.

import argparse
import pathlib
import random
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "debug" / "faultline"
BEGIN, END = "// faultline:solution begin", "// faultline:solution end"


def operators(line):
    """Every mutated version of `line` (None: delete it), with the operator's name."""
    s = line.strip()
    out = []
    if s.endswith(";") and s.count("(") == s.count(")") and not s.startswith("//"):
        if s.startswith(("let _", "drop(")) or "drop_guard" in s or "acquire" in s or "lease" in s:
            out.append(("remove-guard", None))
        elif "abort_all" in s:
            out.append(("remove-abort-all", None))
        else:
            out.append(("delete-statement", None))
    if "spawn_blocking(move || " in s and ".await" in s:
        # The blocking work run in place, on the executor's thread (the course's mistake).
        inline = re.sub(r"(?:tokio::task::)?spawn_blocking\(move \|\| (.*)\)\.await\??", r"\1", line, 1)
        out.append(("inline-spawn-blocking", inline))
    if ".send(" in s and ".await" in s:
        out.append(("send-to-try-send", re.sub(r"\.send\((.*?)\)\.await", r".try_send(\1)", line, 1)))
    if ".await" in s:
        out.append(("drop-await", line.replace(".await", "", 1)))
    if "?" in s and not s.startswith("//"):
        at = line.rfind("?")
        out.append(("remove-question-mark", line[:at] + line[at + 1 :]))
    return out


def mutants(path):
    lines = path.read_text().split("\n")
    inside = False
    for i, line in enumerate(lines):
        if line.strip().startswith(BEGIN):
            inside = True
            continue
        if line.strip().startswith(END):
            inside = False
            continue
        if not inside:
            continue
        for name, new in operators(line):
            mutated = lines[:i] + ([] if new is None else [new]) + lines[i + 1 :]
            yield f"{path.relative_to(ROOT)}:{i + 1} {name}", "\n".join(mutated), (name, line.strip())


# The survivors known to be equivalent (GRADING.md, "Survivors, all equivalent", and each
# exercise's doc): (exercise, operators, a piece of the mutated line). `--check` fails on
# any other survivor.
EQUIVALENT = [
    ("guards", ("remove-guard",), "drop(conn)"),
    ("guards", ("delete-statement",), "tx.rollback()"),
    ("limits", ("remove-question-mark",), "the semaphore was closed"),
    ("processor", ("delete-statement",), "biased;"),
    ("processor", ("delete-statement",), "queued.add(n"),
    ("processor", ("delete-statement",), "queued.sub("),
    ("scopes", ("delete-statement",), "token(&token)"),
    ("scopes", ("delete-statement", "drop-await"), "tracker.wait()"),
    ("scraper", ("remove-question-mark",), "the semaphore was closed"),
    ("scraper", ("delete-statement",), "biased;"),
    ("scraper", ("delete-statement",), "queued.add(1)"),
    ("shutdown", ("delete-statement",), "biased;"),
    ("shutdown", ("delete-statement", "drop-await"), "PROCESS_TIME"),
    ("shutdown", ("delete-statement", "drop-await"), "tracker.wait()"),
    ("streams", ("remove-guard",), "let _ = feed;"),
    ("streams", ("delete-statement",), "produced.add(1)"),
    ("streams", ("delete-statement", "drop-await"), "CONSUME"),
]


def equivalent(exercise, what):
    name, line = what
    return any(e == exercise and name in ops and piece in line for e, ops, piece in EQUIVALENT)


def run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def build():
    """Rebuild the `faultline` binary (niced: the machine is shared); True if it compiles."""
    return run(["nice", "-n", "10", "cargo", "build", "-q", "--bin", "faultline"]).returncode == 0


def main():
    parser = argparse.ArgumentParser(description="mutation score of each exercise's rubric")
    parser.add_argument("exercises", nargs="*", help="exercises to mutate (default: all)")
    parser.add_argument("--sample", type=int, help="grade only N mutants per exercise")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a survivor is not a known equivalent (EQUIVALENT)")
    args = parser.parse_args()
    if args.sample is not None and args.sample < 1:
        parser.error("--sample must be at least 1")
    known = sorted(d.name for d in (ROOT / "scenarios").iterdir() if d.is_dir())
    unknown = [e for e in args.exercises if e not in known]
    if unknown:
        parser.error(f"no such exercise: {', '.join(unknown)} (known: {', '.join(known)})")
    rows = []
    for scenario in sorted((ROOT / "scenarios").iterdir()):
        name = scenario.name
        if args.exercises and name not in args.exercises:
            continue
        files = [f for f in sorted((scenario / "src").glob("*.rs")) if BEGIN in f.read_text()]
        every = [(f, label, text, what) for f in files for label, text, what in mutants(f)]
        if args.sample is not None:
            chosen = random.Random(f"{args.seed}:{name}").sample(range(len(every)), min(args.sample, len(every)))
            every = [every[i] for i in sorted(chosen)]
        total = viable = rejected = 0
        survivors = []
        for f, label, text, what in every:
            original = f.read_text()
            try:
                total += 1
                f.write_text(text)
                if not build():
                    continue
                viable += 1
                if run([str(BIN), "grade", name]).returncode != 0:
                    rejected += 1
                else:
                    survivors.append((label, equivalent(name, what)))
            finally:
                f.write_text(original)
        rows.append((name, total, viable, rejected, survivors))
        print(f"{name}: {total} mutants, {viable} viable, {rejected} rejected", flush=True)
        for label, known in survivors:
            print(f"  survivor: {label}{' (equivalent)' if known else ''}", flush=True)
    build()
    print("\n| exercise | mutants | viable | rejected | score |\n|---|---|---|---|---|")
    for name, total, viable, rejected, _ in rows:
        score = f"{100 * rejected // viable}%" if viable else "-"
        print(f"| {name} | {total} | {viable} | {rejected} | {score} |")
    unknown = [label for *_, survivors in rows for label, known in survivors if not known]
    if args.check and unknown:
        print(f"\nmutants: {len(unknown)} survivor(s) not known to be equivalent:", file=sys.stderr)
        for label in unknown:
            print(f"  {label}", file=sys.stderr)
        sys.exit(1)

if __name__ == "__main__":
    main()
