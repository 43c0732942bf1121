from django.apps import AppConfig


class DetectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "detection"
    verbose_name = "Detection"

    def ready(self) -> None:
        from detection import signals  # noqa: F401 -- connects the receivers.
