"""Named storage exceptions, which the web layer maps to answers (404, 409 ...)."""


class StorageError(Exception):
    """Base of every storage error."""


class NotFound(StorageError):
    """The thing asked for is not stored."""


class ResponseConflict(StorageError):
    """A response id already stored with different content; the stored one is kept."""


class Stale(StorageError):
    """A change made from a page showing an older state: refused, nothing changed."""


class Refused(StorageError):
    """A change the rules do not allow (quoting a resident who did not agree, ...)."""


class Busy(StorageError):
    """The database stayed locked by other writers for longer than the wait allowed."""
