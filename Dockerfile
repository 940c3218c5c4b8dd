# Forecast Studio as a non-root image: the same installation as `make setup`, except
# torch, which comes from PyTorch's CPU-only wheel index so the image carries no CUDA.
#
#   docker build -t forecast-studio .
#   docker run -d -p 127.0.0.1:8050:8050 -v forecast-studio-data:/data forecast-studio
#
# Settings are FORECAST_STUDIO_<NAME> environment variables (see README.md).
FROM python:3.11-slim

# Keep TORCH_VERSION in step with TORCH_SPEC in the Makefile.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ARG TORCH_VERSION=2.13.0

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# Debian packages at run time, for the PDF report: Pango for WeasyPrint's text layout,
# fonts for the report and its charts, and Chromium, which Kaleido drives to draw the
# charts as SVG (it finds Debian's Chromium by itself). Nothing is fetched at run time.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation fonts-dejavu-core chromium \
 && rm -rf /var/lib/apt/lists/*

# The app's user. Its home holds gunicorn's control socket and library caches, and
# /data holds everything the app writes. Both are created before VOLUME, so the
# ownership sticks.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app \
        --shell /usr/sbin/nologin app \
 && mkdir /data \
 && chown app:app /data

# torch first, from the CPU index. The project's `torch>=2.4,<3` is then satisfied,
# and pip does not fetch a CUDA build.
RUN python -m venv /opt/venv \
 && pip install --index-url "$TORCH_INDEX_URL" "torch==$TORCH_VERSION"

WORKDIR /app

# The dependencies, in their own layer, so a code change does not reinstall them.
# pyproject.toml declares no packages ([tool.setuptools] packages = []), so this
# installs the dependencies only, and the app runs from the source tree in /app.
# The README is only the package's long description, so an empty placeholder keeps
# README edits from invalidating this layer.
COPY pyproject.toml ./
RUN touch README.md \
 && pip install . \
 && rm -rf build ./*.egg-info README.md

COPY . .
RUN python -m compileall -q /app

# The source stays owned by root, so the app user can read it but not change it.
ENV PYTHONPATH=/app \
    FORECAST_STUDIO_HOST=0.0.0.0 \
    FORECAST_STUDIO_PORT=8050 \
    FORECAST_STUDIO_DATA_DIR=/data

USER app
VOLUME ["/data"]
EXPOSE 8050

# slim has no curl: ask Python. /health needs no sign-in.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('FORECAST_STUDIO_PORT', '8050'), timeout=4)"]

CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:server"]
