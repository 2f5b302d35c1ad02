#!/bin/sh
# shellcheck disable=SC2317  # functions below are called from traps
# The embedded default (`make run`): prepare the database, then run the web server and a
# Celery worker with embedded beat side by side until Ctrl-C (or SIGTERM), which stops both.
#
# Needs nothing but the project's virtualenv: SQLite under var/, kombu's filesystem broker,
# e-mail to the console (see aims/settings.py). Environment variables it reads:
#   PY    the Python interpreter to use   (default .venv/bin/python)
#   PORT  the port runserver listens on   (default 8000)
#   DEBUG passed on to Django             (default 1)
set -eu

cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}
DEBUG=${DEBUG:-1}
export DEBUG

say() { printf '==> %s\n' "$*"; }

say "Applying migrations"
"$PY" manage.py migrate --noinput
say "Loading the requirements catalog"
"$PY" manage.py load_catalog
say "Seeding the demo organisation"
"$PY" manage.py seed_demo
mkdir -p var
"$PY" manage.py seed_demo --print-logins >var/demo-logins.txt
say "Collecting static files"
"$PY" manage.py collectstatic --noinput >/dev/null

# Each child runs in a process group of its own so that stopping it also stops what it
# started (runserver's autoreloader child, Celery's pool and beat processes).
# setsid (Linux) does that; otherwise job control (`set -m`, e.g. bash as sh on macOS).
if command -v setsid >/dev/null 2>&1; then
    spawn() { setsid "$@" & }
else
    set -m
    spawn() { "$@" & }
fi

pids=""

stop_children() {
    [ -n "$pids" ] || return 0
    # TERM to each leader first (Celery then shuts its pool and beat down itself); once a
    # leader is gone, TERM what is left of its group (runserver's reloader child); after
    # 15 s, KILL whatever remains.
    for pid in $pids; do
        kill -s TERM "$pid" 2>/dev/null || true
    done
    i=0
    while [ "$i" -lt 15 ]; do
        sleep 1
        alive=""
        for pid in $pids; do
            if kill -0 "$pid" 2>/dev/null; then
                alive="$alive $pid"
            elif kill -0 -- "-$pid" 2>/dev/null; then
                kill -s TERM -- "-$pid" 2>/dev/null || true
                alive="$alive $pid"
            fi
        done
        [ -n "$alive" ] || break
        i=$((i + 1))
    done
    for pid in $pids; do
        kill -s KILL -- "-$pid" 2>/dev/null || kill -s KILL "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    pids=""
}

on_exit() {
    status=$?
    trap - EXIT INT TERM HUP
    if [ -n "$pids" ]; then
        say "Stopping"
        stop_children
    fi
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

say "Starting the web server on port $PORT"
spawn "$PY" manage.py runserver "0.0.0.0:$PORT"
web=$!
pids="$web"

say "Starting the Celery worker (with embedded beat)"
spawn "$PY" -m celery -A aims worker -B --loglevel=info --concurrency=1 --schedule=var/celerybeat-schedule
worker=$!
pids="$pids $worker"

# Print the banner once the server answers (any HTTP status counts), so it is not lost
# in the start-up logs.
"$PY" - "$PORT" "$web" <<'EOF' || true
import os, sys, time, urllib.error, urllib.request
port, web = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    try:
        os.kill(web, 0)
    except OSError:
        sys.exit(1)
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.5)
sys.exit(1)
EOF

cat <<EOF

  AIMS is running at http://localhost:$PORT/

  Demo logins:
$(sed 's/^/    /' var/demo-logins.txt)

  Press Ctrl-C to stop the web server and the worker.

EOF

# Stay until one of the two stops (then stop the other) or a signal arrives.
while kill -0 "$web" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
    sleep 1
done
say "A process stopped on its own"
exit 1
