"""Domain errors of the query side. The servicer maps each to one gRPC status.

PlacenormError
├── QueryError          bad arguments: INVALID_ARGUMENT
├── PlaceNotFound       unknown place id: NOT_FOUND
└── NotReady            no gazetteer loaded: FAILED_PRECONDITION / UNAVAILABLE
"""


class PlacenormError(Exception):
    pass


class QueryError(PlacenormError, ValueError):
    pass


class PlaceNotFound(PlacenormError, LookupError):
    pass


class NotReady(PlacenormError):
    pass


def shown(value: str, limit: int = 60) -> str:
    """`value` quoted for an error message, cut to `limit` characters: a refusal's message
    travels in the call's trailers, which clients cap (8 KB by default in grpc)."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[:limit]!r}... ({len(value)} characters)"
