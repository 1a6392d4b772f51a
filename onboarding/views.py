"""Pre-boarding pages (being written)."""

from django.http import HttpResponse


def _todo(request, *args, **kwargs):
    return HttpResponse(status=404)


risk = starts_export = my_tasks = case_detail = case_move_start = case_confirm_start = _todo
case_fell_through = case_work_email = task_detail = task_status = task_due = check_request = check_result = _todo


class StartListView:
    @classmethod
    def as_view(cls):
        return _todo
