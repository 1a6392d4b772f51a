#!/usr/bin/env python
"""Django's command-line utility for the staffing portal."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    # manage.py is the developer's entry point: debug on unless the environment says otherwise.
    # The served entry points (wsgi, asgi, celery) keep DEBUG off by default, and production
    # sets DEBUG=false for every process, manage.py included (docker-compose.yml).
    os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
