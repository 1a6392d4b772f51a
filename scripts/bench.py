"""`make bench`: seed a small (S, the demo) and a large (L, seed_demo --scale N) database on PostgreSQL,
time the busiest pages on each (manage.py bench) and print one table against the targets.

Environment: BENCH_DATABASE_URL (the server, default postgres://postgres@127.0.0.1:5432), BENCH_SCALE
(default 122: about 5,000 requisitions, 200,000 candidates, 250,000 applications and 1,500,000 stage
transitions), BENCH_REPEAT (timed requests per page, default 30). The databases portal_bench_s and
portal_bench_l are dropped and created again on every run.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SCALE = int(os.environ.get("BENCH_SCALE", "122"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
DATABASES = {"S": "portal_bench_s", "L": "portal_bench_l"}
MAX_QUERIES = 20
MAX_RATIO = 1.3
MAX_DASHBOARD_RATIO = 1.5  # the dashboards' own target (docs/operations.md, Benchmarks)
MAX_CORE_RATIO = 1.5
MAX_SEED_SECONDS = 5 * 60


def main() -> int:
    results, seeding = {}, {}
    for size, name in DATABASES.items():
        env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"{SERVER}/{name}"}
        _recreate(name)
        print(f"{size}: migrating {name}", flush=True)
        _manage(env, "migrate", "--noinput", "-v0")
        args = ["seed_demo"] if size == "S" else ["seed_demo", "--scale", str(SCALE)]
        print(f"{size}: {' '.join(args)}", flush=True)
        start = time.perf_counter()
        _manage(env, *args)
        seeding[size] = time.perf_counter() - start
        _analyze(name)  # fresh statistics, as autovacuum would soon give them
        print(f"{size}: seeded in {seeding[size]:.0f} s; timing pages ({REPEAT} requests each)", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            _manage(env, "bench", "--repeat", str(REPEAT), "--json", out.name)
            results[size] = json.loads(Path(out.name).read_text())
    _report(results, seeding)
    return 0


def _recreate(name: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def _analyze(name: str) -> None:
    with psycopg.connect(f"{SERVER}/{name}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _manage(env: dict, *args: str) -> None:
    subprocess.run(  # noqa: S603 - our own manage.py, with arguments from this script
        [sys.executable, "-W", "ignore", str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True
    )


def _mark(ok: bool) -> str:
    return "pass" if ok else "MISS"


def _report(results: dict, seeding: dict) -> None:
    small, large = results["S"]["pages"], results["L"]["pages"]
    head = (
        f"{'page':<36} {'S p50':>8} {'S p95':>8} {'S q':>4} {'L p50':>8} {'L p95':>8} {'L q':>4} "
        f"{'L/S':>5}  queries<={MAX_QUERIES}  L/S<={MAX_RATIO}"
    )
    print()
    print(f"Bench: S = the demo, L = seed_demo --scale {SCALE}; p50/p95 server time in ms, q = SQL queries")
    print(head)
    print("-" * len(head))
    for page, s in small.items():
        big = large[page]
        ratio = big["p50_ms"] / s["p50_ms"]
        target = MAX_DASHBOARD_RATIO if page.startswith("Dashboard") else MAX_RATIO
        queries_ok = max(s["queries"], big["queries"]) <= MAX_QUERIES
        print(
            f"{page:<36} {s['p50_ms']:8.1f} {s['p95_ms']:8.1f} {s['queries']:4d} "
            f"{big['p50_ms']:8.1f} {big['p95_ms']:8.1f} {big['queries']:4d} {ratio:5.2f}  "
            f"{_mark(queries_ok):<12} {_mark(ratio <= target)}{'' if target == MAX_RATIO else f' (<= {target})'}"
        )
    print()
    print(f"Pipeline list vs its core SQL (page query + count, p50), target page/core <= {MAX_CORE_RATIO}:")
    for size in ("S", "L"):
        pages = results[size]["pages"]
        for page, core in results[size]["core_sql"].items():
            ratio = pages[page]["p50_ms"] / core["p50_ms"]
            print(
                f"  {size} {page:<28} page {pages[page]['p50_ms']:7.1f} ms  core SQL {core['p50_ms']:7.1f} ms  "
                f"ratio {ratio:4.2f}  {_mark(ratio <= MAX_CORE_RATIO)}"
            )
    print()
    print(
        f"Seeding: S {seeding['S']:.0f} s; L {seeding['L']:.0f} s "
        f"(target under {MAX_SEED_SECONDS // 60} min: {_mark(seeding['L'] < MAX_SEED_SECONDS)})"
    )


if __name__ == "__main__":
    sys.exit(main())
