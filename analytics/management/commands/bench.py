"""Time the busiest pages against the current database: `manage.py bench [--repeat K] [--json PATH]`.

Signs in as the demo logins (seed_demo first), asks each page once to warm it (counting its SQL
queries then), then K times more, and prints the median (p50) and 95th percentile (p95) server time
of each. Server time is the wall time around the test client's request: URL resolution, middleware,
view, queries and template, without a network. Also times the pipeline list's core SQL (the page
query and the count query its paginator runs, straight from the same queryset) so the page can be
compared with it. `make bench` runs this on a small and a large database and compares the two.
"""

import json
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count, Q
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from candidates import selectors
from candidates.choices import ApplicationStatus
from candidates.filters import ApplicationFilter
from candidates.models import Candidate, Stage
from portal.models import User
from requisitions.selectors import requisitions_for_user

HOST = "bench.localhost"
LOGINS = ["recruiter", "hiring_manager", "interviewer", "finance", "hr"]
# Each dashboard page timed: (login, board, section); the overview is section None.
DASHBOARDS = [
    ("recruiter", "recruiter", None),
    ("recruiter", "recruiter", "velocity"),
    ("recruiter", "recruiter", "conversion"),
    ("hiring_manager", "hiring-manager", None),
    ("hiring_manager", "hiring-manager", "quality"),
    ("interviewer", "interviewer", "capacity"),
    ("finance", "finance", None),
    ("finance", "finance", "cost"),
    ("hr", "organisation", None),
    ("hr", "organisation", "velocity"),
    ("hr", "organisation", "conversion"),
    ("hr", "organisation", "capacity"),
    ("hr", "organisation", "quality"),
    ("hr", "organisation", "cost"),
]
PAGE_SIZE = 50  # the pipeline list's


class Command(BaseCommand):
    help = "Time My work, the pipeline list, a board, a candidate and the requisition list (p50, p95, queries)."

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument("--json", dest="json_path", help="Also write the figures to this file, as JSON.")

    def handle(self, *args, repeat, json_path, **options):
        if repeat < 1:
            raise CommandError("--repeat must be 1 or more.")
        users = {u.username: u for u in User.objects.filter(username__in=LOGINS)}
        if len(users) < len(LOGINS):
            raise CommandError("No demo logins here: run seed_demo first.")
        recruiter = users["recruiter"]
        pages = self._pages(recruiter)
        results = {"vendor": connection.vendor, "repeat": repeat, "pages": {}, "core_sql": {}}
        with override_settings(ALLOWED_HOSTS=[HOST], DEBUG=False):
            clients = {}
            for name, username, url in pages:
                client = clients.get(username)
                if client is None:
                    client = clients[username] = Client(HTTP_HOST=HOST)
                    client.force_login(users[username])
                results["pages"][name] = {"user": username, "url": url, **self._time_page(client, url, repeat)}
                self._print(name, results["pages"][name])
            for name, params in self._core_queries(pages):
                results["core_sql"][name] = self._time_core(recruiter, params, repeat)
                page = results["pages"][name]["p50_ms"]
                core = results["core_sql"][name]["p50_ms"]
                self.stdout.write(
                    f"  core SQL of {name}: p50 {core:.1f} ms; page/core {page / core:.2f} (target at most 1.5)"
                )
        if json_path:
            Path(json_path).write_text(json.dumps(results, indent=2))

    def _pages(self, recruiter: User) -> list[tuple[str, str, str]]:
        """(name, login, URL) of each page measured, picked from what the recruiter sees."""
        visible = selectors.applications_for_user(recruiter)
        board = (
            requisitions_for_user(recruiter)
            .annotate(n=Count("applications", filter=Q(applications__status=ApplicationStatus.ACTIVE)))
            .order_by("-n", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        candidate = (
            visible.values("candidate_id")
            .annotate(n=Count("id"))
            .order_by("-n", "candidate_id")
            .values_list("candidate_id", flat=True)
            .first()
        )
        common_name = (
            Candidate.objects.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name").first() or {}
        ).get("last_name", "a")
        stage = Stage.objects.active().order_by("position").values_list("pk", flat=True)[1:2].get()
        pipeline = reverse("candidates:pipeline")
        return [
            ("My work (recruiter)", "recruiter", reverse("portal:my_work")),
            ("My work (hiring manager)", "hiring_manager", reverse("portal:my_work")),
            ("Pipeline list", "recruiter", pipeline),
            ("Pipeline list, filtered", "recruiter", f"{pipeline}?stage={stage}&flag=stuck_7"),
            ("Pipeline list, search", "recruiter", f"{pipeline}?q={common_name}"),
            ("Board, largest requisition", "recruiter", reverse("candidates:board", args=[board])),
            ("Candidate detail", "recruiter", reverse("candidates:detail", args=[candidate])),
            ("Requisition list", "recruiter", reverse("requisitions:list")),
            *self._dashboards(),
        ]

    def _dashboards(self) -> list[tuple[str, str, str]]:
        pages = []
        for login, board, section in DASHBOARDS:
            if section is None:
                url = reverse("analytics:board", args=[board])
            else:
                url = reverse("analytics:board_section", args=[board, section])
            pages.append((f"Dashboard {board}/{section or 'overview'}", login, url))
        pages.append(("Dashboard ops review", "hr", reverse("analytics:ops_review")))
        pages.append(("Dashboard list stuck 7", "hr", reverse("analytics:tile", args=["organisation", "stuck_7"])))
        return pages

    def _time_page(self, client: Client, url: str, repeat: int) -> dict:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)  # the warm-up, counted
        count = len(queries)  # now: the next request clears the connection's query log
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return {**_percentiles(times), "queries": count}

    def _core_queries(self, pages):
        for name, _, url in pages:
            if name.startswith("Pipeline list"):
                yield name, dict(pair.split("=", 1) for pair in url.partition("?")[2].split("&") if pair)

    def _time_core(self, user: User, params: dict, repeat: int) -> dict:
        """The pipeline view's queryset, filtered as the view does, counted then sliced to one page."""
        request = RequestFactory().get(reverse("candidates:pipeline"), params)
        request.user = user

        def run():
            qs = selectors.pipeline(user)
            if not params.get("status"):
                qs = qs.filter(status=ApplicationStatus.ACTIVE)
            qs = ApplicationFilter(request.GET, queryset=qs, request=request).qs
            qs.count()
            list(qs[:PAGE_SIZE])

        run()
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
        return _percentiles(times)

    def _print(self, name: str, figures: dict) -> None:
        self.stdout.write(
            f"  {name:<28} p50 {figures['p50_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f} ms  "
            f"{figures['queries']:3d} queries  {figures['url']}"
        )


def _percentiles(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}
