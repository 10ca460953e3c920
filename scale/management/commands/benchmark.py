"""Run the benchmark (by hand, not in CI): see scale/benchmark.py and docs/performance.md."""

import json
import os
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from core.tenancy import scopes_disabled
from organisations.models import Kommune
from scale import benchmark
from scale.generator import SIZES, generate

PREFIX = "bench"


class Command(BaseCommand):
    help = "Measure pages, the deadline engine, reminders and PDFs at sizes S and L (and XL)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="S,L", help="comma-separated: S,L,XL")
        parser.add_argument(
            "--seconds",
            type=float,
            default=20.0,
            help="length of each page's single-client run (alternating with the floor)",
        )
        parser.add_argument("--concurrency", type=int, default=16, help="clients of the load run")
        parser.add_argument(
            "--load-seconds", type=float, default=60.0, help="length of each page's load run"
        )
        parser.add_argument(
            "--load-sizes",
            default="L",
            help="sizes whose load runs take --load-seconds (the others --short-load-seconds)",
        )
        parser.add_argument(
            "--short-load-seconds",
            type=float,
            default=10.0,
            help="length of each page's load run at the sizes not in --load-sizes",
        )
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument(
            "--senders",
            type=int,
            default=2,
            help="worker processes: reminder senders, and the nightly re-evaluation of XL",
        )
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs"))
        parser.add_argument(
            "--skip",
            default="",
            help="comma-separated parts to leave out: "
            "pages,engine,overview_recount,reminders,pdf,sync",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs against PostgreSQL: set DATABASE_URL.")
        if settings.DEBUG:
            # DEBUG keeps every SQL statement in memory (the generator's bulk inserts included)
            # and changes what is measured; the gunicorn server always runs with DEBUG off.
            self.stderr.write("DEBUG is on: turned off for this process (set DJANGO_DEBUG=0).")
            settings.DEBUG = False
        sizes = [s.strip().upper() for s in options["sizes"].split(",") if s.strip()]
        unknown = [s for s in sizes if s not in SIZES]
        if unknown:
            raise CommandError(f"Unknown size(s): {', '.join(unknown)}")
        skip = {s.strip() for s in options["skip"].split(",") if s.strip()}
        results = {
            "machine": benchmark.machine(),
            "settings": {
                "seconds per run": options["seconds"],
                "load clients": options["concurrency"],
                "load seconds per page": options["load_seconds"],
                "load seconds at the other sizes": options["short_load_seconds"],
                "sizes with the long load run": options["load_sizes"],
                "gunicorn workers": options["workers"],
                "reminder senders": options["senders"],
            },
            "sizes": {},
            "notes": [],
        }
        benchmark.collect_static()
        # A SIGTERM (kill) ends the run through the `finally` below, which stops gunicorn.
        signal.signal(signal.SIGTERM, lambda *_args: sys.exit(1))
        server = None if "pages" in skip else benchmark.Server(workers=options["workers"])
        try:
            with override_settings(STATIC_ROOT=benchmark.STATIC_ROOT):
                for size in sizes:
                    self._size(size, options, skip, server, results)
        finally:
            if server is not None:
                server.stop()
        if {"S", "L"} <= results["sizes"].keys() and "pages" not in skip:
            s_q, l_q = results["sizes"]["S"]["queries"], results["sizes"]["L"]["queries"]
            results["query_counts_equal"] = all(
                s_q[k] is not None and s_q[k] == l_q.get(k) for k in s_q
            )
        self._carry_over_generation(results, Path(options["out"]) / "performance.json")
        results["machine"]["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        benchmark.write_report(results, Path(options["out"]))
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['out']}/performance.md"))

    @staticmethod
    def _carry_over_generation(results, previous_path):
        """A run on data generated earlier keeps the generation timings of that earlier run."""
        if not previous_path.exists():
            return
        try:
            previous = json.loads(previous_path.read_text())
        except ValueError:
            return
        for size, data in results["sizes"].items():
            earlier = previous.get("sizes", {}).get(size, {}).get("generate")
            if "generate" not in data and earlier:
                data["generate"] = {**earlier, "from_run_of": previous["machine"].get("date")}

    def _size(self, size, options, skip, server, results):
        label = f"{PREFIX}-{size.lower()}"
        data = results["sizes"].setdefault(size, {})
        with scopes_disabled():
            kommuner = list(Kommune.objects.filter(code__startswith=f"{label}-").order_by("pk"))
        if not kommuner:
            self.stdout.write(f"Generating size {size} …")
            data["generate"] = generate(size, prefix=PREFIX, evaluate=True)
            with scopes_disabled():
                kommuner = list(Kommune.objects.filter(code__startswith=f"{label}-").order_by("pk"))
        data["shape"] = {"kommuner": len(kommuner)}
        if len(kommuner) > 1:
            data["shape"]["rows below of the first kommune"] = kommuner[0].code
        data["shape"].update(benchmark.shape(kommuner[0]))
        fixture = benchmark.build_fixture(size, kommuner[0])
        if server is not None:
            self.stdout.write(f"Measuring pages at {size} …")
            data["queries"] = {p.key: benchmark.count_queries(fixture, p) for p in benchmark.PAGES}
            long_load = size in {x.strip().upper() for x in options["load_sizes"].split(",")}
            data["pages"] = benchmark.measure_pages(
                fixture,
                server,
                seconds=options["seconds"],
                concurrency=options["concurrency"],
                load_seconds=(
                    options["load_seconds"] if long_load else options["short_load_seconds"]
                ),
            )
        if "engine" not in skip:
            self.stdout.write(f"Deadline engine at {size} …")
            if len(kommuner) > 1:  # XL: in one process, and as the nightly job runs it
                engine = benchmark.measure_engine_parallel(kommuner, workers=options["senders"])
                data["engine"] = {
                    "full_reevaluation_s": engine["sequential_s"],
                    "full_reevaluation_parallel_s": engine["parallel_s"],
                    "worker_processes": engine["worker_processes"],
                    "worker_failures": engine["worker_failures"],
                    "kommuner": engine["kommuner"],
                    "rows_changed": engine["rows_changed"],
                }
            else:
                data["engine"] = benchmark.measure_engine(kommuner)
            data["incremental"] = benchmark.measure_incremental(kommuner[0])
        for name, measure, sizes in benchmark.EXTRA_MEASUREMENTS:
            if name in skip or (sizes is not None and size not in sizes):
                continue
            self.stdout.write(f"{name} at {size} …")
            try:
                if name == "reminders":
                    data[name] = measure(fixture, senders=options["senders"])
                else:
                    data[name] = measure(fixture)
            except LookupError as missing:
                results["notes"].append(f"- {size}: {name} not measured ({missing}).")
