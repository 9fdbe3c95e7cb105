"""The warning engine: a rule catalogue (catalogue.yaml), one check per rule
(checks.py) and the engine that runs them incrementally (engine.py).
See docs/rules.md."""
