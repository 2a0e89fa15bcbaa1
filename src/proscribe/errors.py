"""The errors a user can cause, each printed as one line naming the place; anything else is a bug."""

from __future__ import annotations

from proscribe.fetch.download import FetchError
from proscribe.sources.base import ListFormatError
from proscribe.store.db import StoreError


class UserError(Exception):
    """A request that cannot be carried out as given (unknown id, bad option value ...)."""


USER_ERRORS: tuple[type[Exception], ...] = (UserError, ListFormatError, StoreError, FetchError)
