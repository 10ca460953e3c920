from django.core.management.base import BaseCommand

from scale.generator import SIZES, generate


class Command(BaseCommand):
    help = "Build synthetic kommuner of size S, L or XL for benchmarks (bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("size", choices=sorted(SIZES))
        parser.add_argument("--prefix", default="skala")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--no-evaluate", action="store_true", help="do not run the deadline engine afterwards"
        )

    def handle(self, *args, **options):
        timings = generate(
            options["size"],
            prefix=options["prefix"],
            seed=options["seed"],
            evaluate=not options["no_evaluate"],
            stdout=self.stdout,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Size {options['size']}: built in {timings['build_s']:.1f} s, deadlines evaluated "
                f"in {timings['evaluate_s']:.1f} s."
            )
        )
