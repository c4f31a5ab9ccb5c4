import signal
import time

from django.core.management.base import BaseCommand

from lantoa.core.scheduler import enqueue_due


class Command(BaseCommand):
    help = "Enqueue periodic jobs when they are due (daily reminders, weekly checks, clean-ups)."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true", help="check once and exit")

    def handle(self, *args, interval, once, **options):
        stop = {"now": False}

        def _stop(*_):
            stop["now"] = True

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.stdout.write("scheduler: started")
        while not stop["now"]:
            for name in enqueue_due():
                self.stdout.write(f"scheduler: enqueued {name}")
            if once:
                break
            slept = 0.0
            while slept < interval and not stop["now"]:
                time.sleep(0.5)
                slept += 0.5
        self.stdout.write("scheduler: stopped")
