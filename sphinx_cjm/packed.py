"""Domain data pickled apart from the environment and loaded only when first used.

Sphinx unpickles the whole environment at the start of every build. A no-op build of a
site of 1,000 journeys uses none of their 51,000 records, yet unpickling them took two
thirds of a second, most of it in the cyclic garbage collector's full collections over
the objects being made. Kept as ``bytes`` strings inside the environment's pickle (one a
page), they cost a copy to load, and are unpickled when the domain first asks for them,
with the collector paused: records hold no reference cycles. A page whose records did not
change is pickled again as the same bytes.
"""

from __future__ import annotations

import contextlib
import gc
import pickle
from collections.abc import Iterator
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
        """The value, not to be changed in place (:meth:`changed` is)."""
        if self._value is None:
            self._value = loads_without_gc(self._blob)  # type: ignore[arg-type]
        return self._value

    @property
    def loaded(self) -> bool:
        """Whether :attr:`value` is at hand, not to be unpickled."""
        return self._value is not None

    def unload(self) -> None:
        """Forget the unpickled value if unchanged: :attr:`value` unpickles it again when asked."""
        if self._blob is not None:
            self._value = None

    def changed(self) -> T:
        """The value, to be changed in place: pickled anew with the environment."""
        value = self.value
        self._blob = None
        return value

    def __getstate__(self) -> bytes:
        # Unchanged since loaded: the same bytes, without a round trip.
        return self._blob if self._blob is not None else pickle.dumps(self._value, pickle.HIGHEST_PROTOCOL)

    def __setstate__(self, blob: bytes) -> None:
        self._blob, self._value = blob, None


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, while making many objects that hold no cycles.

    Otherwise each full collection during the making walks every object made so far.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def loads_without_gc(blob: bytes) -> Any:
    """``pickle.loads`` with the cyclic garbage collector paused."""
    with collector_paused():
        return pickle.loads(blob)


#: Whether :func:`keep_out_of_collections` froze the collector's objects, to be thawed when the build ends.
_frozen = False


def keep_out_of_collections() -> None:
    """Move every object the cyclic collector tracks to its permanent generation, until :func:`thaw`.

    Called once reading is over, and once records are loaded: both live until the build
    ends (at 1,000 journeys the collector's full collections walked the records' 300,000
    objects six times an edit, a second of six). Objects another owner froze first are left
    to that owner.
    """
    global _frozen
    if _frozen or gc.get_freeze_count() == 0:
        gc.freeze()
        _frozen = True


def thaw() -> None:
    """Give the collector back what :func:`keep_out_of_collections` froze."""
    global _frozen
    if _frozen:
        gc.unfreeze()
        _frozen = False
