"""The Celery app of TASKS_BACKEND=celery (docs/scaling-out.md).

`manage.py worker` runs a Celery worker on it (with the scheduler), and so does
`celery -A config worker -Q default,webhooks,webhook-retries,settlements` (then run
`manage.py scheduler` beside it). Its configuration is the CELERY_* settings of
config/settings.py; its tasks are the project's `django.tasks` tasks, registered by
django-tasks-celery's backend as each is defined, with `core.celery_backend.Task` as their
base (late acknowledgement, retries on database outages, concurrency limits, far-off
tasks waiting in hops).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("payments", task_cls="core.celery_backend:Task")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each app's tasks module (webhooks_app.tasks, payments.tasks, ...) is imported when a
# worker starts; defining a task registers it (django.setup() imports them all anyway).
app.autodiscover_tasks()
