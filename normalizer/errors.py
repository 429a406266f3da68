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
