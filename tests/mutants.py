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
#
# Operators: delete a statement, drop an `.await`, `send(x).await` → `try_send(x)`,
# remove an `abort_all()`, a drop guard / `drop(..)`, a permit / lease binding, a `?`.

import pathlib
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
            yield f"{path.relative_to(ROOT)}:{i + 1} {name}", "\n".join(mutated)


def run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def main():
    wanted = sys.argv[1:]
    rows = []
    for scenario in sorted((ROOT / "scenarios").iterdir()):
        name = scenario.name
        if wanted and name not in wanted:
            continue
        files = [f for f in sorted((scenario / "src").glob("*.rs")) if BEGIN in f.read_text()]
        total = viable = rejected = 0
        survivors = []
        for f in files:
            original = f.read_text()
            try:
                for label, text in mutants(f):
                    total += 1
                    f.write_text(text)
                    if run(["cargo", "build", "-q", "--bin", "faultline"]).returncode != 0:
                        continue
                    viable += 1
                    if run([str(BIN), "grade", name]).returncode != 0:
                        rejected += 1
                    else:
                        survivors.append(label)
            finally:
                f.write_text(original)
        rows.append((name, total, viable, rejected, survivors))
        print(f"{name}: {total} mutants, {viable} viable, {rejected} rejected", flush=True)
        for s in survivors:
            print(f"  survivor: {s}", flush=True)
    run(["cargo", "build", "-q", "--bin", "faultline"])
    print("\n| exercise | mutants | viable | rejected | score |\n|---|---|---|---|---|")
    for name, total, viable, rejected, _ in rows:
        score = f"{100 * rejected // viable}%" if viable else "-"
        print(f"| {name} | {total} | {viable} | {rejected} | {score} |")


if __name__ == "__main__":
    main()
