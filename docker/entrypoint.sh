#!/bin/sh
# Container entry point. The first argument picks the role:
#   web     migrate, load the catalog, collect static files, then gunicorn on :8000
#   worker  a Celery worker
#   beat    the Celery beat scheduler (run exactly one)
#   setup   only the migrate + load_catalog + collectstatic step, then exit
# Anything else is run as given, e.g. `python manage.py verify_changelog`.
#
# AIMS_SETUP_ON_START=0 makes `web` skip the setup step (useful with several web replicas:
# run `setup` once per deployment instead). GUNICORN_WORKERS (default 3) sets gunicorn's
# worker count; GUNICORN_CMD_ARGS is read by gunicorn itself.
set -eu

cd /app

require_secret_key() {
    if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
        echo "entrypoint: set SECRET_KEY or SECRET_KEY_FILE (every service must share one key)" >&2
        exit 1
    fi
}

setup() {
    python manage.py migrate --noinput
    python manage.py load_catalog
    python manage.py collectstatic --noinput
}

role=${1:-web}
case "$role" in
    web)
        require_secret_key
        if [ "${AIMS_SETUP_ON_START:-1}" != 0 ]; then
            setup
        fi
        exec gunicorn aims.wsgi:application \
            --bind 0.0.0.0:8000 \
            --workers "${GUNICORN_WORKERS:-3}" \
            --access-logfile -
        ;;
    worker)
        require_secret_key
        exec celery -A aims worker --loglevel "${LOG_LEVEL:-INFO}"
        ;;
    beat)
        require_secret_key
        exec celery -A aims beat --loglevel "${LOG_LEVEL:-INFO}" \
            --schedule "${AIMS_VAR_DIR:-/var/lib/aims}/celerybeat-schedule"
        ;;
    setup)
        require_secret_key
        setup
        ;;
    *)
        exec "$@"
        ;;
esac
