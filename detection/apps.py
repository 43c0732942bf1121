from django.apps import AppConfig


class DetectionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "detection"
    verbose_name = "Detection"

    def ready(self) -> None:
        # Connects the receivers, and registers the Celery tasks (and the worker's start-up
        # recovery) of the subpackages: Celery's autodiscovery only looks for detection.tasks.
        from detection.alerts import tasks as alert_tasks  # noqa: F401
        from detection.analyses import signals, tasks  # noqa: F401
        from detection.videos import signals as video_signals  # noqa: F401
        from detection.videos import tasks as video_tasks  # noqa: F401
