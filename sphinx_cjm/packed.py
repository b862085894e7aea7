"""Domain data pickled apart from the environment and loaded only when first used.

Sphinx unpickles the whole environment at the start of every build. A no-op build of a
site of 1,000 journeys uses none of their 51,000 records, yet unpickling them took two
thirds of a second, most of it in the cyclic garbage collector's full collections over
the objects being made. Kept as one ``bytes`` string inside the environment's pickle,
they cost a copy to load, and are unpickled when the domain first asks for them, with
the collector paused: records hold no reference cycles.
"""

from __future__ import annotations

import gc
import pickle
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Packed(Generic[T]):
    """A value pickled on its own; :attr:`value` unpickles it on first use."""

    __slots__ = ("_blob", "_value")

    def __init__(self, value: T) -> None:
        self._value: T | None = value
        self._blob: bytes | None = None

    @property
    def value(self) -> T:
        if self._blob is not None:
            self._value = loads_without_gc(self._blob)
            self._blob = None  # the value is what counts now: callers change it in place
        return self._value  # type: ignore[return-value]

    def __getstate__(self) -> bytes:
        # Never unpickled since loaded: the same bytes, without a round trip.
        return self._blob if self._blob is not None else pickle.dumps(self._value, pickle.HIGHEST_PROTOCOL)

    def __setstate__(self, blob: bytes) -> None:
        self._blob, self._value = blob, None


def loads_without_gc(blob: bytes) -> Any:
    """``pickle.loads`` with the cyclic garbage collector paused."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(blob)
    finally:
        if was_enabled:
            gc.enable()
