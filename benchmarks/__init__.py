"""kunnan's benchmarks: every figure is measured against a baseline in the same run.

Run with ``make bench`` (or ``.venv-bench/bin/python -m benchmarks``). The
machines kunnan is built on are shared and noisy, so no figure is judged on
its own: each is a ratio to a baseline measured in the same run, on the same
files, interleaved with it. None of this belongs in the test suite.
"""
