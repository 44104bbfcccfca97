"""`python -m bench [--smoke] [--only NAME ...]`: run the benchmarks and print one table.

Every figure is compared with a floor measured in the same run (see docs/performance.md)."""

import argparse
import json
import os
import sys
import time
import traceback

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.core import ROOT, Result, ensure_database, print_table  # noqa: E402

BENCHMARKS = ["page", "cached_page", "mail", "scheduler", "booking", "report", "board"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="small sizes: proves the benchmarks still work")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, default=BENCHMARKS)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    from django.conf import settings

    ensure_database(os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/qpido_bench"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    call_command("compile_catalogues", verbosity=0)
    print(
        f"bench: {'smoke' if args.smoke else 'full'} run on {os.cpu_count()} cores, "
        f"database {settings.DATABASES['default']['NAME']}",
        flush=True,
    )

    import importlib

    results: list[Result] = []
    crashed = []
    for name in args.only:
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.monotonic()
        try:
            results.extend(module.run(smoke=args.smoke))
        except Exception:
            crashed.append(name)
            traceback.print_exc()
            results.append(Result(name, 0, None, "", "runs", False, "crashed"))
        print(f"bench: {name} done in {time.monotonic() - started:.1f}s", flush=True)

    print()
    print_table(results)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / ("smoke.json" if args.smoke else "latest.json")).write_text(
        json.dumps([r.__dict__ | {"ratio": r.ratio} for r in results], indent=2)
    )
    if crashed:
        return 2
    if args.strict and not all(r.ok for r in results):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
