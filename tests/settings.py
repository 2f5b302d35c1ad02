"""The test run's settings: the product's own (``aims.settings``), with a fixed signing key.

Tests run with DEBUG off, as production does, and production refuses to start without
``SECRET_KEY``; so the run brings a key of its own unless one is set. It is put in the
environment, so the processes the tests start (a Celery worker, a fresh interpreter) get
it too.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-signing-key-not-a-secret-0123456789abcdef")

from aims.settings import *  # noqa: F403
