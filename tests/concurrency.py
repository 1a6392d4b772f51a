"""Races for PostgreSQL tests: contenders released at the same instant by a barrier."""

import threading

from django.db import connection


def race(act, contenders, *, losing: type[Exception] | tuple[type[Exception], ...]):
    """Call `act(contender)` for every contender, each in its own thread and database connection.

    Returns the outcomes sorted ("lost" before "won") and, for each loss, "<contender>: <message>".
    An exception not in `losing` is a loss too, reported with its type, so a wrong refusal shows.
    """
    barrier = threading.Barrier(len(contenders))
    outcomes, reasons, lock = [], [], threading.Lock()

    def run(contender):
        try:
            barrier.wait()
            act(contender)
            outcome, reason = "won", None
        except losing as exc:
            outcome, reason = "lost", f"{contender}: {exc}"
        except Exception as exc:  # noqa: BLE001 - reported, not swallowed: the caller asserts on it
            outcome, reason = "error", f"{contender}: {type(exc).__name__}: {exc}"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)
            if reason:
                reasons.append(reason)

    threads = [threading.Thread(target=run, args=(c,)) for c in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes), reasons
