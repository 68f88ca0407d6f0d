from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "kesher.core"
    label = "core"
