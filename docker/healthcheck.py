"""Container health check: GET /healthz on the local gunicorn, exit 0 only on HTTP 200.

The request carries a Host from ALLOWED_HOSTS and X-Forwarded-Proto: https, as the
reverse proxy's would, so that host validation and SECURE_SSL_REDIRECT treat it like
real traffic instead of answering 400 or a redirect.
"""

import os
import sys
import urllib.request

hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost").split(",") if h.strip()]
host = hosts[0] if hosts else "localhost"
if host == "*":
    host = "localhost"
elif host.startswith("."):  # a domain wildcard such as ".example.com"
    host = "healthcheck" + host

request = urllib.request.Request(
    "http://127.0.0.1:8000/healthz",
    headers={"Host": host, "X-Forwarded-Proto": "https"},
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure means unhealthy
    print(f"healthcheck failed: {exc}", file=sys.stderr)
    sys.exit(1)
