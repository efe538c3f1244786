"""Shared-memory NumPy stores: bar rings (:mod:`shared.bars`) and order books (:mod:`shared.books`).

One writer process (the feed) creates each store; any number of reader processes attach
read-only and never take a lock. Segments live in ``/dev/shm`` as ``bot.<namespace>.<kind>``,
survive crashes of any process (no ``resource_tracker`` involvement), and are removed only
explicitly (``shared.shm.remove_namespace``, called by ``make stop``). Reads are seqlock +
checksum verified copies; see :mod:`shared.seqlock` for the protocol and its caveats.

Modules: ``shm`` (untracked segments, names, removal), ``segment`` (header, create/attach),
``seqlock`` (the read/write protocol), ``store`` (common lifecycle), ``bars``, ``books``,
``errors``.
"""
from __future__ import annotations

import logging

from shared.bars import BarStore
from shared.books import Book, BookStore
from shared.errors import LayoutMismatch, ReadOnlyStore, StoreError, StoreNotFound, TornRead
from shared.shm import remove_namespace, segment_name, segment_names

logger = logging.getLogger(__name__)

__all__ = [
    "BarStore",
    "Book",
    "BookStore",
    "LayoutMismatch",
    "ReadOnlyStore",
    "StoreError",
    "StoreNotFound",
    "TornRead",
    "remove_namespace",
    "segment_name",
    "segment_names",
]
