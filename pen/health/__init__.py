"""Health: `GET /healthz` (routes.py) and the readiness check `make run` prints (ready.py)."""
