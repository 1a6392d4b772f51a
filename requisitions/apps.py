from django.apps import AppConfig


class RequisitionsConfig(AppConfig):
    name = "requisitions"
