"""The sample store: a fictional county-level city with 13 months of
petitions and warnings, and the live demo job that keeps it moving.

See docs/sample.md. ``python -m sample_db --help`` builds one.
"""

from sample_db.build import DEFAULT_SEED, ensure_sample_store, generate
from sample_db.demo import DEFAULT_INTENSITY, demo_tick
from sample_db.store import NoDemoPlanError, NotSampleStoreError, StoreNotEmptyError, is_sample_store

__all__ = [
    "DEFAULT_INTENSITY",
    "DEFAULT_SEED",
    "NoDemoPlanError",
    "NotSampleStoreError",
    "StoreNotEmptyError",
    "demo_tick",
    "ensure_sample_store",
    "generate",
    "is_sample_store",
]
