# syntax=docker/dockerfile:1
# The production image: one image for the web, worker and beat services (see
# docker-compose.yml); docker/entrypoint.sh picks the role.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# System libraries WeasyPrint needs to render PDFs, and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system aims \
    && useradd --system --gid aims --home-dir /app --no-create-home --shell /usr/sbin/nologin aims

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY . .

# State lives outside the code: uploaded files in MEDIA_ROOT (a volume shared by web,
# worker and beat), the beat schedule and the change-log checkpoints under AIMS_VAR_DIR. Static files are collected
# into the image at build time (served by WhiteNoise).
ENV AIMS_VAR_DIR=/var/lib/aims \
    MEDIA_ROOT=/var/lib/aims/media \
    STATIC_ROOT=/app/staticfiles
RUN mkdir -p /var/lib/aims/media /var/lib/aims/changelog-checkpoints \
    && SECRET_KEY=collectstatic-at-build-time-only DEBUG=0 python manage.py collectstatic --noinput \
    && rm -rf /var/lib/aims/celery /var/lib/aims/secret_key \
    && chown -R aims:aims /var/lib/aims /app/staticfiles \
    && chmod 0755 docker/entrypoint.sh

USER aims
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["web"]
