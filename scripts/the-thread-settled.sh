#!/usr/bin/env bash
# Regenerates docs/the-thread-settled.md: runs every test of the thread and writes what
# mmcheck printed: the verdicts, what each verdict rests on, and the race diagrams.
# usage: scripts/the-thread-settled.sh   (from anywhere; it works from the repository root)
#
# Nothing in the document about a verdict is written by hand: every verdict, expectation,
# "as expected", state count, step count and "rests on" cell comes from `mmcheck check
# --json` output, and every diagram is `mmcheck check` output. The hand-written parts are
# the questions, the explanations of the ghost contracts and docs/the-thread-settled.notes.md,
# whose verdict mentions are {{found:TEST}} placeholders filled from the tool's output.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 - <<'PY'
import json, os, re, shutil, subprocess, sys, tempfile, textwrap

BIN = "target/release/mmcheck"
OUT = "docs/the-thread-settled.md"
NOTES = "docs/the-thread-settled.notes.md"
T = "tests/mmk"
MODELS = "models"

# One line per question: "Q|question" then "F|file" lines (paths under tests/mmk).
QUESTIONS = """
Q|Scenario A: does v5.10's uffd *unprotect* (RW cleared, flush deferred) lose a write when a fault copies the page while a CPU writes through its stale TLB entry?
F|uffd-wp/scenario-a-v5.10.mmk
F|uffd-wp/scenario-a-tlb-evict.mmk
Q|Does the merged fix 6ce64428d620 (flush in do_wp_page() when a flush is pending on a uffd-wp VMA) close Scenarios A and B?
F|uffd-wp/scenario-a-fix-6ce64428d620.mmk
F|uffd-wp/scenario-a-fix-speculative.mmk
F|thread/b-fix-6ce64428d620.mmk
F|thread/bonly-fix-6ce64428d620.mmk
Q|Why must dec_tlb_flush_pending() come after the flush? (a mutation of the fix's precondition)
F|uffd-wp/mutation-dec-before-flush.mmk
Q|Scenario B: do protect and unprotect overlapping on v5.10 lose a write, and is the overlap a race of its own?
F|thread/b-v5.10.mmk
F|thread/b-v5.10-overlap.mmk
F|thread/bonly-preserve-write.mmk
Q|Is mmap_write_lock for uffd-wp (Nadav's v1, for protect and unprotect) a fix? And for protect only (RFCv2's locking half)?
F|thread/a-write-lock-v1.mmk
F|thread/b-write-lock-v1.mmk
F|thread/a-protect-write-lock.mmk
F|thread/b-protect-write-lock.mmk
F|thread/b-protect-write-lock-overlap.mmk
Q|Does preserving the write bit on unprotect (RFCv2) fix it, alone and with the write-locked protect?
F|thread/a-preserve-write.mmk
F|thread/bonly-preserve-write.mmk
F|thread/a-rfcv2.mmk
F|thread/b-rfcv2.mmk
Q|Does copying under the PTL after the flush (Nadav's alternative) fix it? And for special pages, copied through the user address, are two flushes needed?
F|thread/a-copy-under-ptl.mmk
F|thread/b-copy-under-ptl.mmk
F|thread/a-copy-under-ptl-special-two-flushes.mmk
F|thread/a-copy-under-ptl-special-one-flush.mmk
Q|Does copy-then-compare (Peter's proposal) fix it, with the compare before the flush or after it?
F|thread/a-compare-before-flush.mmk
F|thread/a-compare-after-flush.mmk
F|thread/b-compare-after-flush.mmk
Q|Does Andrea's protect/unprotect two-group serialization fix it?
F|thread/a-two-group.mmk
F|thread/b-two-group.mmk
F|thread/b-two-group-overlap.mmk
F|thread/bonly-two-group.mmk
Q|Did the pre-5.9 mapcount reuse rule avoid the corruption, or only work by luck?
F|thread/a-reuse-pre-5.9.mmk
F|thread/b-reuse-pre-5.9.mmk
Q|Does the v5.19 PageAnonExclusive reuse rule avoid it?
F|thread/a-reuse-v5.19-exclusive.mmk
F|thread/b-reuse-v5.19-exclusive.mmk
Q|Soft-dirty clear_refs: does v5.10.0 lose writes, does the write lock alone (29a951dfb3c3) fix it, and does the flush (912efa17e512)?
F|thread/clear-refs-v5.10.0.mmk
F|thread/clear-refs-write-lock.mmk
F|thread/clear-refs-write-lock-flush.mmk
Q|Negative controls: are mprotect (write lock), NUMA hinting (read lock, write bit preserved) and protect racing protect safe?
F|mprotect/rw-to-ro-write-lock.mmk
F|thread/mprotect-write-lock.mmk
F|thread/numa-hinting.mmk
F|thread/numa-mutation-no-savedwrite.mmk
F|thread/protect-vs-protect.mmk
Q|Nadav's question: would mmap_write_downgrade() before mprotect_fixup() (PTEs changed under the read lock) be safe?
F|thread/mprotect-write-lock.mmk
F|thread/mprotect-downgrade.mmk
Q|Peter's hypothetical driver (RO->RW->RO under the read lock and PTL inside the COW window): what breaks, with no flush, with a pending count and a batched flush, and against the merged fix?
F|thread/driver-aba-no-flush.mmk
F|thread/driver-aba-pending-flush.mmk
F|thread/driver-aba-fix-uffd.mmk
Q|MADV_DONTNEED racing uffd protect: change_pte_range() finds no PTE and skips the flush. Does Nadav's mm_tlb_flush_nested() check help?
F|thread/dontneed-vs-protect-plain.mmk
F|thread/dontneed-vs-protect-nested-flush.mmk
"""

# The 6.12 column: each row's scenario on the linux-6.12 tree, where the thread's fixes are
# merged (one-test files under tests/mmk/linux-6.12/thread/). A row whose test is a proposal
# or a fix for v5.10 shows its scenario there; a row with no 6.12 form (a mutation of v5.10
# code, a scenario too large for this page) shows why not.
ON_612 = {
    "uffd-wp/scenario-a-v5.10.mmk": "scenario-a.mmk",
    "uffd-wp/scenario-a-tlb-evict.mmk": "scenario-a-tlb-evict.mmk",
    "uffd-wp/scenario-a-fix-6ce64428d620.mmk": "scenario-a.mmk",
    "uffd-wp/scenario-a-fix-speculative.mmk": "scenario-a.mmk",
    "thread/b-v5.10.mmk": "b.mmk",
    "thread/b-fix-6ce64428d620.mmk": "b.mmk",
    "thread/bonly-fix-6ce64428d620.mmk": "b.mmk",
    "thread/bonly-preserve-write.mmk": "b.mmk",
    "thread/bonly-two-group.mmk": "b.mmk",
    "thread/clear-refs-v5.10.0.mmk": "clear-refs.mmk",
    "thread/clear-refs-write-lock.mmk": "clear-refs.mmk",
    "thread/clear-refs-write-lock-flush.mmk": "clear-refs.mmk",
    "mprotect/rw-to-ro-write-lock.mmk": "rw-to-ro-write-lock.mmk",
    "thread/mprotect-write-lock.mmk": "mprotect-write-lock.mmk",
    "thread/numa-hinting.mmk": "numa-hinting.mmk",
    "thread/protect-vs-protect.mmk": "protect-vs-protect.mmk",
    "thread/driver-aba-no-flush.mmk": "driver-aba-no-flush.mmk",
    "thread/driver-aba-pending-flush.mmk": "driver-aba-pending-flush.mmk",
    "thread/driver-aba-fix-uffd.mmk": "driver-aba-pending-flush.mmk",
    "thread/dontneed-vs-protect-plain.mmk": "dontneed-vs-protect.mmk",
    "thread/dontneed-vs-protect-nested-flush.mmk": "dontneed-vs-protect.mmk",
}
NOT_612 = {
    "uffd-wp/mutation-dec-before-flush.mmk": "a mutation of v5.10 code",
    "thread/numa-mutation-no-savedwrite.mmk": "a mutation of v5.10 code (6.12 has no savedwrite)",
    "thread/mprotect-downgrade.mmk": "a proposal for v5.10",
    "thread/b-v5.10-overlap.mmk": "too large for this page: tests/mmk-large/linux-6.12/thread/b-overlap.mmk",
    "thread/b-protect-write-lock-overlap.mmk": "too large for this page: tests/mmk-large/linux-6.12/thread/b-overlap.mmk",
    "thread/b-two-group-overlap.mmk": "too large for this page: tests/mmk-large/linux-6.12/thread/b-overlap.mmk",
}
T612 = "tests/mmk/linux-6.12/thread"


def on_612(f):
    """The 6.12 counterpart of row `f`: its file, or None and why there is none."""
    if f in ON_612:
        return ON_612[f], None
    if f in NOT_612:
        return None, NOT_612[f]
    base = os.path.basename(f)
    if base.startswith("a-"):
        return "scenario-a.mmk", None
    if base.startswith("b-") or base.startswith("bonly-"):
        return "b.mmk", None
    die(f"{f}: no 6.12 counterpart in ON_612 or NOT_612")


# Ghost checks: model code that is not kernel code and only reports. A ghost *contract*
# is a call of a reporting ghost primitive, or of a ghost function (one whose `source`
# starts with "ghost:"), from a kernel function. Each one found in the models must be
# explained here: what kernel assumption it encodes, and where that assumption lives.
GHOST_PRIMS = {"assume_tlb_coherent"}
CONTRACTS = {
    ("assume_tlb_coherent", "do_wp_page"): {
        "name": "`assume_tlb_coherent()` in `do_wp_page()`",
        "meaning": (
            "The COW assumption of `mm/memory.c` (v5.10, and the other `do_wp_page()` "
            "variants in `models/fixes/`: the pre-5.9 reuse rule, 6ce64428d620, v5.19). With the PTL held, `do_wp_page()` reads the PTE as "
            "read-only and decides to reuse the page or to copy it; `wp_page_copy()` then "
            "copies it with the PTL dropped, and re-checks only `pte_same()` before "
            "`ptep_clear_flush()`. This is correct only if no CPU can still store to the old "
            "page through a writable TLB entry once the PTE reads read-only (Nadav Amit's "
            "wording in the thread: PTEs read from the page tables are assumed coherent "
            "across all TLBs, excluding permission promotion, "
            "EDC00345-B46E-4396-8379-98E943723809@gmail.com; reference section 3.6). The "
            "ghost check fires at that point, under the PTL, if some CPU caches a more "
            "permissive entry than the PTE. v5.10 itself never checks this: nothing in "
            "the kernel fails when it is broken, and a write is lost only if the stale "
            "store also lands inside the copy window. A proposal that stops relying on the "
            "assumption (copying under the PTL after a flush, comparing after the flush, "
            "reusing instead of copying) still trips the check, because the stale entry "
            "still exists when the fault arrives."),
    },
    ("uffd_wp_returns_coherent", "mwriteprotect_range"): {
        "name": "`uffd_wp_returns_coherent()` at the end of `mwriteprotect_range()`",
        "meaning": (
            "The promise of `UFFDIO_WRITEPROTECT` with `UFFDIO_WRITEPROTECT_MODE_WP` to the "
            "monitor (`fs/userfaultfd.c:userfaultfd_writeprotect()` and "
            "`mm/userfaultfd.c:mwriteprotect_range()`, v5.10): when the ioctl returns, the "
            "range is write-protected, so every later write to it traps as a uffd-wp fault. "
            "The ghost function runs at the end of the protect and fires if some CPU still "
            "caches a translation more permissive than a PTE of the range (PTEs whose PTL "
            "another CPU holds are skipped: that CPU is changing them). Nadav Amit's "
            "MADV_DONTNEED report is about exactly this promise: `change_pte_range()` finds "
            "the PTE already cleared, changes nothing and skips the flush, so the ioctl "
            "returns \"while the memory is still not protected\" "
            "(729A8C1E-FC5B-4F46-AE01-85E00C66DFFF@gmail.com; reference section 3.5). The "
            "global rule stays quiet there because the DONTNEED's own flush is pending. "
            "Breaking the promise loses no write by itself; it lets a write the monitor "
            "believes trapped land."),
    },
    ("madvise_dontneed_returns_coherent", "madvise"): {
        "name": "`madvise_dontneed_returns_coherent()` at the end of `madvise()`",
        "meaning": (
            "The promise of `madvise(MADV_DONTNEED)` at its return (madvise(2): later "
            "accesses to the range find zero-fill-on-demand pages; `mm/madvise.c`, v5.10): "
            "no CPU may still cache a translation of the range more permissive than its "
            "PTEs. A flush that another path deferred without raising `tlb_flush_pending` "
            "(reclaim's batched flush, owed through `mm->tlb_flush_batched` and paid by "
            "`flush_tlb_batched_pending()` in `zap_pte_range()`: commit 3ea277194daa, v4.14) "
            "must be done by then. PTEs whose PTL another CPU holds, and every entry while "
            "another mmu_gather or protection change of the mm is open, are left to their "
            "owners, whose flush is still to come. It is listed so that every ghost check "
            "of the tree is explained; the rows that rest on it, if any, are named below."),
    },
}


def die(msg):
    sys.exit(f"the-thread-settled.sh: {msg}")


def results_of(doc):
    """The list of per-test results, whatever the top level of the JSON looks like."""
    if isinstance(doc, list):
        return doc
    if isinstance(doc, dict):
        for v in doc.values():
            if isinstance(v, list) and v and isinstance(v[0], dict) and "verdict" in v[0]:
                return v
    die(f"unexpected JSON from mmcheck: {str(doc)[:200]}")


def check(path, *opts):
    """One `mmcheck check --json` run of a one-test file; returns its result."""
    cmd = [BIN, "check", "-q", "--reduce", "none", "--json", *opts, path]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1, 3):
        die(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stderr}{p.stdout[:2000]}")
    try:
        rs = results_of(json.loads(p.stdout))
    except json.JSONDecodeError:
        die(f"{' '.join(cmd)} printed no JSON:\n{p.stderr}{p.stdout[:2000]}")
    if len(rs) != 1:
        die(f"{path}: expected one test, found {len(rs)}")
    return rs[0]


# ---- ghost contracts: find them, and build model trees without them ----------------

FN_RE = re.compile(r'^\s*(?:override\s+)?fn\s+(\w+)\s*\(.*?\bsource\s+"([^"]*)"')
CALL_RE = re.compile(r'^\s*(\w+)\s*\(.*\)\s*;\s*(?://.*)?$')


def code_part(line):
    line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
    return line.split("//", 1)[0]


def scan(path):
    """(ghost function names, [(line number, callee, caller)] of ghost-candidate calls)."""
    ghosts, calls, fn, depth = set(), [], None, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            m = FN_RE.match(line)
            if m and depth == 0:
                fn = m.group(1)
                if m.group(2).startswith("ghost:"):
                    ghosts.add(fn)
            c = CALL_RE.match(line)
            if c and fn and depth > 0:
                calls.append((n, c.group(1), fn))
            code = code_part(line)
            depth += code.count("{") - code.count("}")
            if depth == 0:
                fn = None
    return ghosts, calls


def model_files(root):
    for d, _, fs in os.walk(root):
        for f in sorted(fs):
            if f.endswith(".mmk"):
                yield os.path.join(d, f)


ghost_fns, sites = set(), {}
scans = {p: scan(p) for p in model_files(MODELS)}
for g, _ in scans.values():
    ghost_fns |= g
for p, (_, calls) in scans.items():
    for n, callee, caller in calls:
        if (callee in GHOST_PRIMS or callee in ghost_fns) and caller not in ghost_fns:
            sites.setdefault((callee, caller), []).append((p, n))
for key in sites:
    if key not in CONTRACTS:
        die(f"ghost contract {key[0]}() in {key[1]}() ({sites[key]}) has no explanation in "
            "CONTRACTS: add what kernel assumption it encodes")
for key in CONTRACTS:
    if key not in sites:
        die(f"ghost contract {key} is explained but no longer called in {MODELS}/")
# (only the tests this page runs: other tests may override a kernel function with its ghost
# checks, e.g. a historical mutation of do_wp_page())
row_files = [f"{T}/{ln[2:]}" for ln in QUESTIONS.strip().splitlines() if ln.startswith("F|")]
for f in row_files:
    for n, callee, caller in scan(f)[1]:
        if callee in GHOST_PRIMS or callee in ghost_fns:
            die(f"{f}:{n}: a test calls the ghost check {callee}(); the ghost-free runs "
                "strip the models only")

TMP = tempfile.mkdtemp(prefix="thread-settled-")


def tree_without(keep):
    """A copy of models/ with every ghost contract call except those in `keep` replaced by a
    comment (line numbers unchanged). Returns its path."""
    name = "keep-" + "-".join(sorted(k[0] + "." + k[1] for k in keep)) if keep else "no-ghosts"
    root = os.path.join(TMP, name)
    shutil.copytree(MODELS, root)
    for key, where in sites.items():
        if key in keep:
            continue
        for p, n in where:
            q = os.path.join(root, os.path.relpath(p, MODELS))
            with open(q, encoding="utf-8") as f:
                lines = f.readlines()
            indent = re.match(r"\s*", lines[n - 1]).group(0)
            lines[n - 1] = f"{indent}// ghost check {key[0]}() removed by the-thread-settled.sh\n"
            with open(q, "w", encoding="utf-8") as f:
                f.writelines(lines)
    return root


NO_GHOSTS = tree_without(set())
ONLY = {key: tree_without({key}) for key in sites}

LOC_RE = re.compile(r"^(\S+?):(\d+):(\d+) \(in (\w+)\(\)\): ")


def kind(v):
    """What a violation of the tool's output rests on: (key, label)."""
    inv, msg = v["invariant"], v["message"]
    m = LOC_RE.match(msg)
    if m:
        path = m.group(1)
        for d in [TMP + os.sep + x for x in os.listdir(TMP)]:
            if path.startswith(d + os.sep):
                path = os.path.join(MODELS, os.path.relpath(path, d))
        try:
            with open(path, encoding="utf-8") as f:
                line = f.readlines()[int(m.group(2)) - 1]
        except (OSError, IndexError):
            line = ""
        c = CALL_RE.match(line)
        if c and c.group(1) in GHOST_PRIMS:
            fn = m.group(4)
            key = next((k for k in sites if k[0] == fn), None) if fn in ghost_fns else \
                (c.group(1), fn)
            if key not in CONTRACTS:
                die(f"ghost check at {path}:{m.group(2)} in {fn}() belongs to no known contract")
            return ("ghost", key), "ghost contract " + CONTRACTS[key]["name"]
    if inv == "stale_tlb":
        return ("stale_tlb", None), "stale TLB under the global v4.13+ rule"
    if inv == "lost_write":
        return ("lost_write", None), "**lost write**"
    if inv == "use_after_free":
        return ("use_after_free", None), "**use-after-free**"
    if inv == "assertion" and m:
        return ("assertion", None), f"model assertion at `{m.group(1)}:{m.group(2)}`"
    return (inv, None), f"`{inv}`"


def steps_text(v):
    return f"{v['steps']} steps" if v.get("steps") is not None else "at the end"


def search_text(r):
    if r.get("stopped"):
        return f"INCOMPLETE: stopped ({r['stopped']})"
    return "exhaustive" if r["exhaustive"] else "stopped at the shortest counterexample"


def complete(r):
    return r["exhaustive"] and not r.get("stopped")


# ---- run every test -----------------------------------------------------------------

questions, results = [], {}
for line in QUESTIONS.strip().splitlines():
    k, text = line.split("|", 1)
    if k == "Q":
        questions.append((text, []))
    else:
        questions[-1][1].append(text)


def analyse(f):
    path = f"{T}/{f}"
    plain = check(path)
    full = plain if complete(plain) else check(path, "--all")
    kinds = {}
    for v in full["violations"]:
        key, label = kind(v)
        kinds.setdefault(key, (label, v))
    ghost_keys = {k[1] for k in kinds if k[0] == "ghost"}
    noghost = None
    if ghost_keys:
        noghost = check(path, "--all", "--models", NO_GHOSTS)
        for v in noghost["violations"]:
            key, label = kind(v)
            if key[0] == "ghost":
                die(f"{f}: ghost check still fires in the ghost-free tree: {v['message']}")
            kinds.setdefault(key, (label, v))
        # A ghost contract can hide behind a shorter one (one counterexample per invariant):
        # check each of the others alone.
        for key in sites:
            if key in ghost_keys:
                continue
            r = check(path, "--all", "--models", ONLY[key])
            for v in r["violations"]:
                k2, label = kind(v)
                if k2 == ("ghost", key):
                    kinds.setdefault(k2, (label, v))
    return {"plain": plain, "full": full, "noghost": noghost, "kinds": kinds}


for _, files in questions:
    for f in files:
        if f not in results:
            print(f"checking {f}", file=sys.stderr)
            results[f] = analyse(f)

results_612 = {}
for f in results:
    c, _ = on_612(f)
    if c and c not in results_612:
        print(f"checking linux-6.12/thread/{c}", file=sys.stderr)
        results_612[c] = check(f"{T612}/{c}")
for f in os.listdir(T612):
    if f.endswith(".mmk") and f not in results_612:
        die(f"{T612}/{f} is no row's 6.12 counterpart")


def col_612(f):
    c, why = on_612(f)
    if c is None:
        return why
    r = results_612[c]
    ok = "" if r["as_expected"] else " **not as its test expects**"
    return f"{r['verdict']} ({r['states']} states; `linux-6.12/thread/{c}`){ok}"


def rests_on(a):
    kinds = a["kinds"]
    if not kinds:
        return "nothing: no invariant can be broken" if complete(a["full"]) else \
            "not known: " + search_text(a["full"])
    rank = {"lost_write": 0, "use_after_free": 1, "stale_tlb": 2}
    real = [(label, v) for (k, _), (label, v) in
            sorted(kinds.items(), key=lambda kv: rank.get(kv[0][0], 3)) if k != "ghost"]
    ghost = [(label, v) for (k, _), (label, v) in kinds.items() if k == "ghost"]
    parts = [f"{label} ({steps_text(v)})" for label, v in real + ghost]
    text = "; ".join(parts)
    ng = a["noghost"]
    if ghost:
        if ng is None or not complete(ng):
            text += "; without the ghost checks: not known (" + \
                (search_text(ng) if ng else "not run") + ")"
        elif not real:
            text += ("; **only ghost contracts**: without them the search is exhaustive and "
                     f"finds {ng['verdict']}, so no lost write is reachable")
        else:
            text += f"; without the ghost checks: {ng['verdict']}"
    if not complete(a["full"]):
        text += "; " + search_text(a["full"])
    return text


def cell(s):
    return str(s).replace("|", "\\|")


def cmd(f):
    return f"`cargo run --release -q -- check tests/mmk/{f}`"


def program_of(path, cpu):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            m = re.match(rf"\s*cpu{cpu}\s*\{{(.*)\}}\s*(//.*)?$", line)
            if m:
                return m.group(1).strip()
    return None


def idle_cpus(f):
    """The CPUs whose program takes no step in the counterexample of `check` (None if the
    test has none), each with its one-line program if it has one."""
    tr = results[f]["plain"].get("trace") or {}
    steps = tr.get("steps") or []
    if not steps:
        return None
    moved = {s["cpu"] for s in steps if not s.get("hardware")}
    path = f"{T}/{f}"
    idle = []
    for c in range(tr.get("cpus", 0)):
        if c not in moved:
            prog = program_of(path, c)
            idle.append(f"cpu{c}" + (f" (`{prog}`)" if prog else ""))
    return idle


out = []
w = out.append
w("# The thread, settled")
w("")
w("The December 2020 userfaultfd write-protect thread (`../shared/seed/`, reference sections 3-5)")
w("raised questions its experts could not settle by argument. Each one below is a test in the")
w("bundled suite, checked by `mmcheck` against the linux-5.10 model and the fixes in")
w("`models/fixes/`. Every verdict is what the tool printed; every diagram is the shortest")
w("counterexample (breadth-first search), as printed by `mmcheck check`.")
w("")
w("Reproduce any row from the repository root with the command beside it. Regenerate this")
w("page with `scripts/the-thread-settled.sh`.")
w("The states column and the diagrams come from `mmcheck check --reduce none` (every")
w("interleaving, no partial-order reduction); the default search gives the same verdicts and")
w("counterexamples, and may store fewer states where a test expects `safe`.")
w("")
missed = [f for f in results if not results[f]["plain"]["as_expected"]]
if missed:
    w("**Warning: " + ", ".join(f"`tests/mmk/{f}`" for f in missed) + " did not behave as its")
    w("test expects; the explanations below were written for the expected verdicts.**")
    w("")
w("The *6.12.y* column runs the row's scenario on the linux-6.12 tree (`models/linux-6.12/`),")
w("where the thread's fixes are merged: its verdict and state count, from the one-test file")
w("it names under `tests/mmk/linux-6.12/thread/`. A row that tests a proposal or a fix for")
w("v5.10 shows the scenario it fixes. In 6.12 a writable anonymous PTE always maps an")
w("exclusive page (PageAnonExclusive), so those scenarios declare the page `exclusive`: the")
w("write fault reuses the page where v5.10 copied it.")
w("")
w("Columns: *found* is the verdict of `mmcheck check`, which stops at the shortest")
w("counterexample unless an expectation needs the whole search; `safe` means an exhaustive")
w("search found no interleaving that breaks any invariant; `no lost_write` in an expectation")
w("means the search was exhaustive and never lost a write. *Rests on* says what the")
w("violations are, from `mmcheck check --all` (every reachable invariant, each with its")
w("shortest counterexample):")
w("")
w("- a **lost write** or a **use-after-free** is damage a program would see;")
w("- a *stale TLB under the global v4.13+ rule*: a CPU caches a translation more permissive")
w("  than the PTE while no flush is pending, no PTL and no mmap write lock covers it (the")
w("  contract of `tlb_flush_pending`, `include/linux/mm_types.h`, which every deferred flush")
w("  has had to honour since v4.13);")
w("- a *ghost contract* is a check the model adds to a kernel path, not kernel code: it names an")
w("  assumption that path makes (see [the ghost contracts](#the-ghost-contracts)). Both report")
w("  as `stale_tlb`, and a run keeps one counterexample per invariant, so where a ghost")
w("  contract fires the test is checked again with `--all` on a copy of `models/` whose ghost")
w("  calls are commented out (each contract alone, and none): the verdict *without the ghost")
w("  checks* says whether anything real remains, a lost write in particular. Where the global")
w("  rule is broken first, the ghost contracts of that test are not listed (the same invariant")
w("  is already broken by something real).")
w("")
for n, (text, files) in enumerate(questions, 1):
    w("")
    w(f"## {n}. {text}")
    w("")
    w("| test | expected | found | as expected | rests on | states | search | 6.12.y | command |")
    w("|---|---|---|---|---|---|---|---|---|")
    for f in files:
        a = results[f]
        p = a["plain"]
        ok = "yes" if p["as_expected"] else "**NO**"
        w(f"| `tests/mmk/{f}` | {cell(p['expected'] or '(none)')} | {cell(p['verdict'])} | {ok} | "
          f"{cell(rests_on(a))} | {p['states']} | {search_text(p)} | {cell(col_612(f))} | "
          f"{cmd(f)} |")

w("")
w("## The ghost contracts")
w("")
w("The model adds these checks to kernel paths; they are not kernel code, and a violation of")
w("one is a broken assumption, not damage by itself. The script finds them by scanning")
w("`models/` for calls, from kernel functions, of a reporting ghost primitive (`" +
  "`, `".join(sorted(GHOST_PRIMS)) + "`)")
w("or of a function whose `source` starts with `ghost:`; each must be explained here.")
w("")
for key, c in CONTRACTS.items():
    where = ", ".join(f"`{p}:{n}`" for p, n in sites[key])
    rows = [f for f in results if ("ghost", key) in results[f]["kinds"]]
    w(f"### {c['name']}")
    w("")
    w(textwrap.fill(c["meaning"], 92, break_long_words=False, break_on_hyphens=False))
    w("")
    w(textwrap.fill(f"Called at {where}.", 92, break_long_words=False, break_on_hyphens=False))
    w("")
    if rows:
        only = [f for f in rows if all(k[0] == "ghost" for k in results[f]["kinds"])]
        w(textwrap.fill("Listed in the *rests on* column of: " +
                        ", ".join(f"`{f}`" for f in rows) + ".", 92, break_long_words=False,
                        break_on_hyphens=False))
        if only:
            w(textwrap.fill("The only thing broken in: " +
                            ", ".join(f"`{f}`" for f in only) + ".", 92,
                            break_long_words=False, break_on_hyphens=False))
    else:
        w("Listed in no row above.")
    w("")

w("## Where the model and the reference's table 5.5 differ")
w("")
with open(NOTES, encoding="utf-8") as fh:
    notes = fh.read()


def fill(m):
    what, f = m.group(1), m.group(2)
    if f not in results:
        die(f"{NOTES}: {{{{{what}:{f}}}}} names a test the document does not run")
    a = results[f]
    if what == "found":
        return f"`{a['plain']['verdict']}`"
    if what == "rests":
        return rests_on(a)
    if what == "idle":
        idle = idle_cpus(f)
        if idle is None:
            die(f"{NOTES}: {{{{idle:{f}}}}}: the test has no counterexample")
        return ", ".join(idle) if idle else "none"
    if what == "positions":
        pos = (a["plain"].get("trace") or {}).get("positions")
        if not pos:
            die(f"{NOTES}: {{{{positions:{f}}}}}: the test has no counterexample")
        return "; ".join(f"`{x}`" for x in pos)
    die(f"{NOTES}: unknown placeholder {what}")


w(re.sub(r"\{\{(\w+):([^}]+)\}\}", fill, notes).rstrip("\n"))
w("")
w("## The race diagrams")
w("")
seen = set()
for n, (_, files) in enumerate(questions, 1):
    for f in files:
        a = results[f]
        if f in seen or not a["plain"]["violations"]:
            continue
        seen.add(f)
        path = f"{T}/{f}"
        p = subprocess.run([BIN, "check", "-q", "--reduce", "none", path],
                           capture_output=True, text=True)
        if p.returncode not in (0, 1, 3):
            die(f"mmcheck check {path} exited {p.returncode}:\n{p.stderr}")
        # Drop what varies from run to run or machine to machine (time, threads, resident
        # memory); the search and its counterexample do not depend on them.
        text = re.sub(r", [0-9.]+ s([,;]) ", r"\1 ", p.stdout.rstrip("\n"))
        text = re.sub(r"breadth-first, [0-9]+ threads?, ", "breadth-first, ", text)
        text = re.sub(r", peak resident [0-9.]+ [KMGT]i?B", "", text)
        w(f"### `tests/mmk/{f}` (question {n})")
        w("")
        w(cmd(f))
        w("")
        w("```")
        w(text)
        w("```")
        w("")
        token = a["plain"].get("replay")
        idle = idle_cpus(f)
        if idle is not None and token and token in p.stdout:
            if idle:
                w("CPUs that take no step in this counterexample: " + ", ".join(idle) + ".")
            else:
                w("Every CPU takes part in this counterexample.")
            w("")

with open(OUT, "w", encoding="utf-8") as fh:
    fh.write("\n".join(out) + "\n")
shutil.rmtree(TMP)
print(f"wrote {OUT}")
PY
