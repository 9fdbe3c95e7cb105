"""Browser benchmark of the cockpit: ``python -m benchmarks.browser`` (see __main__)."""
