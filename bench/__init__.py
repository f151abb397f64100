"""Pen's benchmarks: `make bench` (or `python -m bench --help`). Not run by `make test`.

Each benchmark starts real servers on loopback (gunicorn from the repo's `gunicorn.conf.py`,
the fake provider as a subprocess, a freshly seeded database), prints a table and writes JSON
under `bench/results/`. `bench/RESULTS.md` records the machine, the commands and the figures.
"""
