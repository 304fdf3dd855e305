"""gunicorn's settings from Kring's environment: `gunicorn -c python:kring.gunicorn_conf kring.wsgi`
(docs/operations.md, "Running Kring").

`KRING_WORKERS` processes of `KRING_THREADS` threads each (the same `KRING_THREADS` sizes the database pool), at
`KRING_BIND`. gunicorn's access log is off; with `KRING_ACCESS_LOG=true` it is written to standard output in a
format without the query string (a search for a child's name), the client's address, the referrer or the browser:
only method, path, status, size and time."""

from __future__ import annotations

import os

from kring.database import DEFAULT_THREADS, DEFAULT_WORKERS

workers = int(os.environ.get("KRING_WORKERS", DEFAULT_WORKERS))
threads = int(os.environ.get("KRING_THREADS", DEFAULT_THREADS))
bind = os.environ.get("KRING_BIND", "127.0.0.1:8000")
accesslog = "-" if os.environ.get("KRING_ACCESS_LOG", "").lower() in {"1", "true", "yes", "on"} else None
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# Behind a proxy (KRING_BEHIND_PROXY), only the proxy's own address may say how the client connected.
forwarded_allow_ips = os.environ.get("KRING_PROXY_IPS", "127.0.0.1")
