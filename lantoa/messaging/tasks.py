"""Background work of messaging. Tasks take ids and call `dispatch`; each is safe to run twice."""

from django.conf import settings
from django.tasks import task


def _workers() -> int:
    return max(1, int(getattr(settings, "MESSAGING_WORKERS", 2)))


@task
def fanout(broadcast_id: int) -> int:
    from lantoa.messaging import dispatch as d

    queued = d.fanout(broadcast_id)
    # One sending task per worker: they share the queue through their leases.
    for _ in range(_workers()):
        send.enqueue()
    return queued


@task
def send() -> dict:
    from lantoa.messaging import dispatch as d

    return d.dispatch(max_seconds=float(getattr(settings, "MESSAGING_DISPATCH_SECONDS", 50)))


@task
def tick() -> dict:
    """Every minute (scheduler): start due broadcasts, finish the done ones, send what waits."""
    from lantoa.messaging import dispatch as d

    started = d.start_due_broadcasts()
    for pk in started:
        fanout.enqueue(broadcast_id=pk)
    d.finish_broadcasts()
    reaped = d.reap()
    if d.pending():
        for _ in range(_workers()):
            send.enqueue()
    return {"broadcasts": started, "reaped": reaped}


@task
def reminders() -> int:
    """Hourly (scheduler): queue the reminders due today; `tick` sends them in the sending hours."""
    from lantoa.messaging import dispatch as d

    return d.reminders_run()
