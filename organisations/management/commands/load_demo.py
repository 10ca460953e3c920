from django.core.management.base import BaseCommand

from organisations.demo_loader import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Indlæser demodata (Albertslund og Aabenraa). Kan køres flere gange uden ændringer."

    def handle(self, *args, **options):
        stats = load_demo()
        if stats.created:
            created = ", ".join(f"{k}: {v}" for k, v in sorted(stats.created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demodata indlæst ({created})."))
        else:
            self.stdout.write("Demodata var allerede indlæst; intet ændret.")
        self.stdout.write(
            f"Demologins (adgangskode “{DEMO_PASSWORD}”): admin, hr.albertslund, "
            "hr.bkmb, hr.aabenraa, amr.albertslund, tr.albertslund, "
            "leder.albertslund, formand.albertslund, naestformand.albertslund, amr.aabenraa, "
            "kreds.officer"
        )
