"""A real Celery worker with beat, on Redis, against the test database.

Beat runs the decision sweep every second; an overdue decision must produce exactly one email
however many sweeps run, and a task sent straight through Redis must not send a second one.
"""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from celery import Celery
from django.conf import settings
from django.db import connection

from portal.choices import REQUEST
from portal.models import ReminderLog
from portal.services.decisions import raise_decision
from tests import clock
from tests.conftest import requires_redis
from tests.factories import UserFactory

REDIS_URL = "redis://127.0.0.1:6379/15"


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
        return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{Path(db['NAME']).resolve()}"


def _messages(mail_dir: Path) -> list[str]:
    texts = [p.read_text() for p in sorted(mail_dir.glob("*.log"))]
    return [line for text in texts for line in text.splitlines() if line.startswith("Subject:")]


def _wait_for(predicate, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return predicate()


@pytest.fixture
def worker(tmp_path):
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "false",
        "SECRET_KEY": "worker-test-secret-key-0123456789-0123456789-0123456789",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"),
        "REMINDER_SWEEP_SECONDS": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "portal",
        "worker",
        "-B",
        "--concurrency",
        "2",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
        "--logfile",
        str(log),
    ]
    process = subprocess.Popen(
        command, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    yield {"queue": queue, "mail_dir": mail_dir, "log": log, "process": process}
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    client = Celery(broker=REDIS_URL)
    with client.connection_for_write() as conn:
        conn.default_channel.client.delete(queue)


@requires_redis
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_send_one_reminder_for_an_overdue_decision(worker):
    owner = UserFactory(username="owner", email="owner@example.com")
    # The worker is another process, on the machine's clock, not the suite's frozen one: the decision fell
    # due an hour before the worker's now, or the worker would see it due weeks ahead (or long overdue).
    decision = raise_decision(
        kind=REQUEST,
        title="Confirm Q1 budget",
        owner=owner,
        due_at=clock.real_now() - timedelta(hours=1),
    )

    sent = _wait_for(lambda: len(_messages(worker["mail_dir"])) >= 1, timeout=60)
    assert sent, worker["log"].read_text() if worker["log"].exists() else worker["process"].stdout.read().decode()

    # Let beat run several more sweeps, and push the same work straight through Redis too.
    Celery(broker=REDIS_URL).send_task(
        "portal.tasks.send_decision_reminders", args=[decision.pk], queue=worker["queue"]
    )
    sweeps_before = worker["log"].read_text().count("portal.tasks.sweep_decisions")
    _wait_for(lambda: worker["log"].read_text().count("portal.tasks.sweep_decisions") >= sweeps_before + 3, timeout=30)

    assert _messages(worker["mail_dir"]) == ["Subject: [Staffing portal] Overdue: Confirm Q1 budget"]
    assert list(ReminderLog.objects.values_list("decision", "recipient__username")) == [(decision.pk, "owner")]
    log = worker["log"].read_text()
    assert log.count("portal.tasks.sweep_decisions") >= 4
    assert "portal.tasks.send_decision_reminders" in log
