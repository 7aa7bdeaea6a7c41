"""Benchmarks, and the data generator they and the tests share. Run each from the checkout's root
as a module, for example `.venv/bin/python -m bench.pages` (see each module's docstring)."""
