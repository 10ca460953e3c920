"""Run the benchmark (by hand, not in CI): see scale/benchmark.py and docs/performance.md."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.tenancy import scopes_disabled
from organisations.models import Kommune
from scale import benchmark
from scale.generator import generate


class Command(BaseCommand):
    help = "Measure pages, the deadline engine, reminders and PDFs at sizes S and L (and XL)."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="S,L", help="comma-separated: S,L,XL")
        parser.add_argument("--seconds", type=float, default=10.0, help="load per page")
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs"))

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs against PostgreSQL: set DATABASE_URL.")
        sizes = [s.strip().upper() for s in options["sizes"].split(",") if s.strip()]
        results = {"machine": benchmark.machine(), "sizes": {}, "notes": []}
        server = benchmark.Server(workers=options["workers"])
        try:
            for size in sizes:
                prefix = f"bench-{size.lower()}"
                with scopes_disabled():
                    kommuner = list(Kommune.objects.filter(code__startswith=f"{prefix}-"))
                if not kommuner:
                    self.stdout.write(f"Generating size {size} …")
                    timings = generate(size, prefix="bench", evaluate=True)
                    with scopes_disabled():
                        kommuner = list(Kommune.objects.filter(code__startswith=f"{prefix}-"))
                    results["sizes"].setdefault(size, {})["generate"] = timings
                data = results["sizes"].setdefault(size, {})
                fixture = benchmark.build_fixture(size, kommuner[0])
                self.stdout.write(f"Measuring pages at {size} …")
                data["queries"] = {
                    p.key: benchmark.count_queries(fixture, p) for p in benchmark.PAGES
                }
                data["pages"] = benchmark.measure_pages(
                    fixture,
                    server,
                    seconds=options["seconds"],
                    concurrency=options["concurrency"],
                )
                self.stdout.write(f"Deadline engine at {size} …")
                data["engine"] = benchmark.measure_engine(kommuner)
                data["incremental"] = benchmark.measure_incremental(kommuner[0])
                for name, measure in benchmark.EXTRA_MEASUREMENTS:
                    try:
                        data[name] = measure(fixture)
                    except LookupError as missing:
                        results["notes"].append(f"- {size}: {name} not measured ({missing}).")
        finally:
            server.stop()
        if "S" in results["sizes"] and "L" in results["sizes"]:
            s_q, l_q = results["sizes"]["S"]["queries"], results["sizes"]["L"]["queries"]
            results["query_counts_equal"] = all(
                s_q[k] == l_q[k] for k in s_q if s_q[k] is not None and l_q.get(k) is not None
            )
        benchmark.write_report(results, Path(options["out"]))
        self.stdout.write(self.style.SUCCESS(f"Wrote {options['out']}/performance.md"))
