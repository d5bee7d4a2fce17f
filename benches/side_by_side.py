#!/usr/bin/env python3
"""greenlight beside the reference tools, whole processes, in one run (issue #13).

On the 120,000-cell fixture (`cargo run --release --example scale -- generate DIR`) and a
sign-off of it, each pair below runs N times, interleaved so that the machine's noise falls on
both sides alike; the table gives the median wall time and the median peak resident memory
(from wait4's rusage) of each, and their ratio.

    greenlight verify FOLDER           vs  ssh-keygen -Y verify (the same signature and bytes)
    greenlight export -o results.csv   vs  Python's csv module writing the same rows from the
                                           journal (json per line, latest result per cell)
    greenlight export -o results.xlsx  vs  openpyxl in write-only mode, the same rows
    greenlight status / runs           (no reference: the budget is 250 ms)

Usage: python3 benches/side_by_side.py [N]   (N = 7 by default; needs ssh-keygen, git and
openpyxl: `pip install openpyxl`). It builds greenlight in release mode first. Exit 0 always
when everything ran; the figures are for the README, not a pass/fail gate.
"""

import csv
import json
import re
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GREENLIGHT = os.path.join(ROOT, "target", "release", "greenlight")

# What both references do first: read the journal and keep each cell's latest result (the
# fixture has no undo). They do less than greenlight: no checklist, no titles, no guard.
READ_JOURNAL = r"""
import json, sys
journal, out = sys.argv[1], sys.argv[2]
latest = {}
with open(journal, encoding="utf-8") as f:
    for line in f:
        e = json.loads(line)
        if e.get("kind") == "result":
            latest[(e["item"], e["browser"], e["viewport"])] = e
HEADER = ["item", "browser", "viewport", "status", "severity", "note", "tester", "at"]
rows = ([item, browser, viewport, e.get("status"), e.get("severity"), e.get("note"),
         e.get("tester"), e.get("at")] for (item, browser, viewport), e in latest.items())
"""

# The reference for a CSV export: one row per cell with Python's csv module.
PYTHON_CSV = READ_JOURNAL + r"""
import csv
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(HEADER)
    w.writerows(rows)
"""

# The reference for an XLSX export: openpyxl in write-only mode, the same rows.
PYTHON_XLSX = READ_JOURNAL + r"""
from openpyxl import Workbook
wb = Workbook(write_only=True)
ws = wb.create_sheet("Results")
ws.append(HEADER)
for row in rows:
    ws.append(row)
wb.save(out)
"""


def measure(argv, env=None, stdin=None, cwd=None):
    """Wall seconds and peak resident KiB of one process, as GNU time reports them: through
    a small parent, because Linux counts the memory of the process that executes a program
    into that program's peak (this script's own would show up in every figure)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        timed = ["/usr/bin/time", "-f", "%e %M", "-o", report.name] + argv
        with open(stdin, "rb") if stdin else open(os.devnull, "rb") as inp:
            done = subprocess.run(timed, stdin=inp, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE, env=env, cwd=cwd)
        if done.returncode != 0:
            sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n"
                     f"{done.stderr.decode(errors='replace')}")
        wall, peak = report.read().split()[-2:]
    return float(wall), int(peak)


def run(argv, **kw):
    done = subprocess.run(argv, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    for tool in ("ssh-keygen", "git"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is needed; install it (apt-get install openssh-client git)")
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("GNU time is needed to read peak memory: apt-get install time")
    if subprocess.run([sys.executable, "-c", "import openpyxl"]).returncode != 0:
        sys.exit("openpyxl is needed for the XLSX reference: pip install openpyxl")
    print("building greenlight (release) …", file=sys.stderr)
    run(["cargo", "build", "--release", "--quiet"], cwd=ROOT)
    run(["cargo", "build", "--release", "--quiet", "--example", "scale"], cwd=ROOT)
    work = tempfile.mkdtemp(prefix="greenlight-side-by-side-")
    try:
        compare(work, reps)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(work, reps):
    print(f"fixture in {work} …", file=sys.stderr)
    run([os.path.join(ROOT, "target", "release", "examples", "scale"), "generate", work])
    home = os.path.join(work, "home")
    env = dict(os.environ, GREENLIGHT_HOME=home, NO_COLOR="1")
    run_id = sorted(os.listdir(os.path.join(home, "runs")))[0]
    journal = os.path.join(home, "runs", run_id, "journal.jsonl")
    # A repository holding the checklist where the statement says it is, so that verify
    # checks it as it would in CI.
    repo = os.path.join(work, "repo")
    os.makedirs(os.path.join(repo, "checklists"))
    shutil.copy(os.path.join(home, "runs", run_id, "checklist.yaml"),
                os.path.join(repo, "checklists", "web-ux.yaml"))
    run(["git", "init", "-q", repo])
    key = os.path.join(work, "key")
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key])
    signoff = os.path.join(work, "signoff")
    # The fixture's verdict blocks approval, so the sign-off is a rejection: verify checks
    # a rejection exactly as it checks an approval.
    run([GREENLIGHT, "signoff", "--reject", "--comment", "benchmark", "--key", key,
         "-o", signoff, run_id], env=env, cwd=repo)
    # The signer's principal, from the statement's head (not the whole 50 MB).
    with open(os.path.join(signoff, "signoff.json"), encoding="utf-8") as f:
        head = f.read(4096)
    email = re.search(r'"email": "([^"]+)"', head).group(1)
    allowed = os.path.join(work, "allowed_signers")
    with open(allowed, "w", encoding="utf-8") as f:
        f.write(f"{email} {open(key + '.pub', encoding='utf-8').read().strip()}\n")
    out = os.path.join(work, "out")
    os.makedirs(out)
    pairs = [
        ("verify the 120,000-cell sign-off",
         dict(argv=[GREENLIGHT, "verify", "--allowed-signers", allowed, signoff], env=env,
              cwd=repo),
         ("ssh-keygen -Y verify",
          dict(argv=["ssh-keygen", "-Y", "verify", "-f", allowed, "-I", email, "-n",
                     "greenlight-signoff", "-s", os.path.join(signoff, "signoff.json.sig")],
               stdin=os.path.join(signoff, "signoff.json")))),
        ("CSV export, 120,000 rows",
         dict(argv=[GREENLIGHT, "export", run_id, "-o", os.path.join(out, "r.csv")], env=env),
         ("Python csv", dict(argv=[sys.executable, "-c", PYTHON_CSV, journal,
                                   os.path.join(out, "p.csv")]))),
        ("XLSX export, 120,000 rows",
         dict(argv=[GREENLIGHT, "export", run_id, "-o", os.path.join(out, "r.xlsx")], env=env),
         ("openpyxl write-only", dict(argv=[sys.executable, "-c", PYTHON_XLSX, journal,
                                            os.path.join(out, "p.xlsx")]))),
        ("status of 120,000 records", dict(argv=[GREENLIGHT, "status", run_id], env=env), None),
        ("runs (two runs of 120,000 records: the fixture and the approved one)", dict(argv=[GREENLIGHT, "runs"], env=env), None),
    ]
    carry = carrying_setup(work, repo, env, allowed, key)
    pairs.append(("decide what carries from a 120,000-cell approval (`start --carry-from --dry-run`)",
                  dict(argv=carry + ["--dry-run"], env=env, cwd=repo), None))
    pairs.append(("start a run carrying 106,920 passes (`start --carry-from`)",
                  dict(argv=carry, env=env, cwd=repo), None))
    print(f"{reps} rounds, each pair interleaved …", file=sys.stderr)
    rows = []
    for name, ours, reference in pairs:
        mine, theirs = [], []
        for _ in range(reps):
            mine.append(measure(**ours))
            if reference:
                theirs.append(measure(**reference[1]))
        rows.append((name, mine, reference[0] if reference else None, theirs))
    print(f"medians of {reps} whole processes; reproduce with "
          f"`python3 benches/side_by_side.py {reps}`\n")
    print("| what | greenlight | reference | time ratio | memory ratio |")
    print("| --- | --- | --- | --- | --- |")
    for name, mine, ref_name, theirs in rows:
        t, m = statistics.median(w for w, _ in mine), statistics.median(k for _, k in mine)
        ours = f"{t:.2f} s, {m / 1024:.0f} MiB"
        if ref_name is None:
            print(f"| {name} | {ours} | — | — | — |")
            continue
        rt, rm = statistics.median(w for w, _ in theirs), statistics.median(k for _, k in theirs)
        print(f"| {name} | {ours} | {ref_name}: {rt:.2f} s, {rm / 1024:.0f} MiB "
              f"| {t / rt:.2f}× | {m / rm:.2f}× |")


def carrying_setup(work, repo, env, allowed, key):
    """An approval of every cell passed at commit A of the repository, then a commit B that
    changes one section's folder; returns the `start --carry-from` command line at B."""
    tester = "Ada Lovelace <ada.lovelace@example.com>"
    git = ["git", "-C", repo, "-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
    os.makedirs(os.path.join(repo, "web", "styles"))
    with open(os.path.join(repo, "web", "styles", "site.css"), "w", encoding="utf-8") as f:
        f.write("body { margin: 0 }\n")
    run(git + ["add", "-A"])
    run(git + ["commit", "-qm", "A"])
    checklist = os.path.join("checklists", "web-ux.yaml")
    run_a = run([GREENLIGHT, "start", checklist, "--release", "a", "--tester", tester],
                env=env, cwd=repo).strip()
    cells = os.path.join(work, "cells.csv")
    run([GREENLIGHT, "export", run_a, "-o", cells], env=env, cwd=repo)
    batch = os.path.join(work, "passes.jsonl")
    with open(cells, newline="", encoding="utf-8") as f, open(batch, "w", encoding="utf-8") as out:
        for row in csv.DictReader(f):
            out.write(json.dumps({"item": row["item"], "browser": row["browser"],
                                  "viewport": row["viewport"], "status": "pass"}) + "\n")
    run([GREENLIGHT, "record", run_a, "--batch", batch], env=env, cwd=repo)
    approval = os.path.join(work, "approval-a")
    run([GREENLIGHT, "signoff", run_a, "--approve", "--key", key, "-o", approval],
        env=env, cwd=repo)
    section = os.path.join(repo, "web", "dashboard-layout")
    os.makedirs(section)
    with open(os.path.join(section, "grid.css"), "w", encoding="utf-8") as f:
        f.write(".grid { gap: 1rem }\n")
    run(git + ["add", "-A"])
    run(git + ["commit", "-qm", "B: one section's stylesheet"])
    return [GREENLIGHT, "start", checklist, "--release", "b", "--tester", tester,
            "--carry-from", approval, "--allowed-signers", allowed]


if __name__ == "__main__":
    main()
