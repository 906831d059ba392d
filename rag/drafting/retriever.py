"""What drafting needs of the sample library (the index stage implements it): searches made
for one owner, so a user's private uploads never reach another user's plan."""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Retriever(Protocol):
    """The library as one owner sees it (rag.index.retrieve.Retriever.scoped gives one).

    `owner` is whose private uploads the searches may return ("" for the shared library
    only); a retriever without one is refused, so an unscoped search cannot be written by
    mistake.
    """

    owner: str

    def search(self, query: str, k: int = 5, **filters) -> list: ...

    def shared_terms(self) -> frozenset[str]:
        """Quoted terms more than one library sample uses."""
        ...


def require_owner(retriever: object) -> None:
    """Refuse a retriever that is not scoped to an owner (a programming error, not a user's)."""
    if retriever is not None and not isinstance(retriever, Retriever):
        raise TypeError(
            f"drafting needs a retriever scoped to an owner (.scoped(owner)), got {retriever!r}"
        )
