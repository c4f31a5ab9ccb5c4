from django.core.management.base import BaseCommand, CommandError

from lantoa.geo.loaders import load_current, load_province_both


class Command(BaseCommand):
    help = (
        "Load administrative areas from the vietnam-provinces package. With --legacy-province, the "
        "pre-2025 province (optionally only some districts) and the current communes that absorbed it, "
        "linked; with --current-province only, the current province and all its communes. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--legacy-province", type=int, help="pre-2025 province code, e.g. 87 (Đồng Tháp)")
        parser.add_argument("--district", type=int, action="append", help="pre-2025 district code, e.g. 870")
        parser.add_argument("--current-province", type=int, help="current province code, e.g. 82")
        parser.add_argument("--all-current", action="store_true", help="load every current commune of the province")

    def handle(self, *args, legacy_province=None, district=None, current_province=None, all_current=False, **kw):
        try:
            if legacy_province:
                report = load_province_both(
                    legacy_province, districts=district, current_province=current_province, all_current=all_current
                )
            elif current_province:
                report = load_current(current_province)
            else:
                raise CommandError("Give --legacy-province (and --district) or --current-province.")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"areas: {report.created} created, {report.existing} already there; "
            f"{report.links} reorganisation links made"
        )
