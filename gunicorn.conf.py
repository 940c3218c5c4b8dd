"""gunicorn settings for `make run` and the container (address from settings)."""

from config import settings

bind = f"{settings.HOST}:{settings.PORT}"
# One process with threads is the embedded default: its job runner owns the workers.
# More processes are fine (jobs are claimed atomically from the database).
workers = int(settings.get("WEB_PROCESSES", 1))
threads = 8
timeout = 120
accesslog = "-"
