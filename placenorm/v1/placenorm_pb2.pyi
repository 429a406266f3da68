from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class MatchType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MATCH_TYPE_UNSPECIFIED: _ClassVar[MatchType]
    EXACT: _ClassVar[MatchType]
    ALTERNATE: _ClassVar[MatchType]
    TRANSLITERATED: _ClassVar[MatchType]
    VARIANT: _ClassVar[MatchType]
    FUZZY: _ClassVar[MatchType]
MATCH_TYPE_UNSPECIFIED: MatchType
EXACT: MatchType
ALTERNATE: MatchType
TRANSLITERATED: MatchType
VARIANT: MatchType
FUZZY: MatchType

class NormalizeRequest(_message.Message):
    __slots__ = ("query", "country_codes", "language", "feature_classes", "limit", "min_score", "request_id", "context", "prefer_country_codes", "near")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODES_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    FEATURE_CLASSES_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    MIN_SCORE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    PREFER_COUNTRY_CODES_FIELD_NUMBER: _ClassVar[int]
    NEAR_FIELD_NUMBER: _ClassVar[int]
    query: str
    country_codes: _containers.RepeatedScalarFieldContainer[str]
    language: str
    feature_classes: _containers.RepeatedScalarFieldContainer[str]
    limit: int
    min_score: float
    request_id: str
    context: _containers.RepeatedScalarFieldContainer[str]
    prefer_country_codes: _containers.RepeatedScalarFieldContainer[str]
    near: LatLon
    def __init__(self, query: _Optional[str] = ..., country_codes: _Optional[_Iterable[str]] = ..., language: _Optional[str] = ..., feature_classes: _Optional[_Iterable[str]] = ..., limit: _Optional[int] = ..., min_score: _Optional[float] = ..., request_id: _Optional[str] = ..., context: _Optional[_Iterable[str]] = ..., prefer_country_codes: _Optional[_Iterable[str]] = ..., near: _Optional[_Union[LatLon, _Mapping]] = ...) -> None: ...

class LatLon(_message.Message):
    __slots__ = ("latitude", "longitude")
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    latitude: float
    longitude: float
    def __init__(self, latitude: _Optional[float] = ..., longitude: _Optional[float] = ...) -> None: ...

class NormalizeBatchRequest(_message.Message):
    __slots__ = ("requests", "as_document")
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    AS_DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[NormalizeRequest]
    as_document: bool
    def __init__(self, requests: _Optional[_Iterable[_Union[NormalizeRequest, _Mapping]]] = ..., as_document: _Optional[bool] = ...) -> None: ...

class NormalizeBatchResponse(_message.Message):
    __slots__ = ("responses",)
    RESPONSES_FIELD_NUMBER: _ClassVar[int]
    responses: _containers.RepeatedCompositeFieldContainer[NormalizeResponse]
    def __init__(self, responses: _Optional[_Iterable[_Union[NormalizeResponse, _Mapping]]] = ...) -> None: ...

class NormalizeResponse(_message.Message):
    __slots__ = ("request_id", "query", "normalized_query", "candidates", "ambiguous", "gazetteer_version", "error")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_FIELD_NUMBER: _ClassVar[int]
    NORMALIZED_QUERY_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    AMBIGUOUS_FIELD_NUMBER: _ClassVar[int]
    GAZETTEER_VERSION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    query: str
    normalized_query: str
    candidates: _containers.RepeatedCompositeFieldContainer[Candidate]
    ambiguous: bool
    gazetteer_version: str
    error: Error
    def __init__(self, request_id: _Optional[str] = ..., query: _Optional[str] = ..., normalized_query: _Optional[str] = ..., candidates: _Optional[_Iterable[_Union[Candidate, _Mapping]]] = ..., ambiguous: _Optional[bool] = ..., gazetteer_version: _Optional[str] = ..., error: _Optional[_Union[Error, _Mapping]] = ...) -> None: ...

class Error(_message.Message):
    __slots__ = ("code", "message")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ...) -> None: ...

class Candidate(_message.Message):
    __slots__ = ("place", "score", "match_type", "matched_name", "matched_language")
    PLACE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MATCH_TYPE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_NAME_FIELD_NUMBER: _ClassVar[int]
    MATCHED_LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    place: Place
    score: float
    match_type: MatchType
    matched_name: str
    matched_language: str
    def __init__(self, place: _Optional[_Union[Place, _Mapping]] = ..., score: _Optional[float] = ..., match_type: _Optional[_Union[MatchType, str]] = ..., matched_name: _Optional[str] = ..., matched_language: _Optional[str] = ...) -> None: ...

class Name(_message.Message):
    __slots__ = ("text", "language", "is_preferred", "is_short", "is_colloquial", "is_historic", "source")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    IS_PREFERRED_FIELD_NUMBER: _ClassVar[int]
    IS_SHORT_FIELD_NUMBER: _ClassVar[int]
    IS_COLLOQUIAL_FIELD_NUMBER: _ClassVar[int]
    IS_HISTORIC_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    text: str
    language: str
    is_preferred: bool
    is_short: bool
    is_colloquial: bool
    is_historic: bool
    source: str
    def __init__(self, text: _Optional[str] = ..., language: _Optional[str] = ..., is_preferred: _Optional[bool] = ..., is_short: _Optional[bool] = ..., is_colloquial: _Optional[bool] = ..., is_historic: _Optional[bool] = ..., source: _Optional[str] = ...) -> None: ...

class Place(_message.Message):
    __slots__ = ("id", "name", "ascii_name", "country_code", "country_name", "admin1_code", "admin1_name", "feature_class", "feature_code", "latitude", "longitude", "population", "timezone", "names", "admin2_code")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ASCII_NAME_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_NAME_FIELD_NUMBER: _ClassVar[int]
    ADMIN1_CODE_FIELD_NUMBER: _ClassVar[int]
    ADMIN1_NAME_FIELD_NUMBER: _ClassVar[int]
    FEATURE_CLASS_FIELD_NUMBER: _ClassVar[int]
    FEATURE_CODE_FIELD_NUMBER: _ClassVar[int]
    LATITUDE_FIELD_NUMBER: _ClassVar[int]
    LONGITUDE_FIELD_NUMBER: _ClassVar[int]
    POPULATION_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    ADMIN2_CODE_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    ascii_name: str
    country_code: str
    country_name: str
    admin1_code: str
    admin1_name: str
    feature_class: str
    feature_code: str
    latitude: float
    longitude: float
    population: int
    timezone: str
    names: _containers.RepeatedCompositeFieldContainer[Name]
    admin2_code: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., ascii_name: _Optional[str] = ..., country_code: _Optional[str] = ..., country_name: _Optional[str] = ..., admin1_code: _Optional[str] = ..., admin1_name: _Optional[str] = ..., feature_class: _Optional[str] = ..., feature_code: _Optional[str] = ..., latitude: _Optional[float] = ..., longitude: _Optional[float] = ..., population: _Optional[int] = ..., timezone: _Optional[str] = ..., names: _Optional[_Iterable[_Union[Name, _Mapping]]] = ..., admin2_code: _Optional[str] = ...) -> None: ...

class GetPlaceRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetGazetteerInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GazetteerInfo(_message.Message):
    __slots__ = ("version", "sources", "places", "names", "built_at", "loaded_at", "schema", "size_bytes", "keys", "precomputed_answers")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    PLACES_FIELD_NUMBER: _ClassVar[int]
    NAMES_FIELD_NUMBER: _ClassVar[int]
    BUILT_AT_FIELD_NUMBER: _ClassVar[int]
    LOADED_AT_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    KEYS_FIELD_NUMBER: _ClassVar[int]
    PRECOMPUTED_ANSWERS_FIELD_NUMBER: _ClassVar[int]
    version: str
    sources: _containers.RepeatedScalarFieldContainer[str]
    places: int
    names: int
    built_at: str
    loaded_at: str
    schema: int
    size_bytes: int
    keys: int
    precomputed_answers: int
    def __init__(self, version: _Optional[str] = ..., sources: _Optional[_Iterable[str]] = ..., places: _Optional[int] = ..., names: _Optional[int] = ..., built_at: _Optional[str] = ..., loaded_at: _Optional[str] = ..., schema: _Optional[int] = ..., size_bytes: _Optional[int] = ..., keys: _Optional[int] = ..., precomputed_answers: _Optional[int] = ...) -> None: ...

class ReloadRequest(_message.Message):
    __slots__ = ("sources", "format", "dry_run")
    SOURCES_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    sources: _containers.RepeatedScalarFieldContainer[str]
    format: str
    dry_run: bool
    def __init__(self, sources: _Optional[_Iterable[str]] = ..., format: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class UploadChunk(_message.Message):
    __slots__ = ("filename", "data", "format", "dry_run")
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    filename: str
    data: bytes
    format: str
    dry_run: bool
    def __init__(self, filename: _Optional[str] = ..., data: _Optional[bytes] = ..., format: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class ReloadProgress(_message.Message):
    __slots__ = ("phase", "detail", "rows_read", "rows_rejected", "version", "places")
    class Phase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        PHASE_UNSPECIFIED: _ClassVar[ReloadProgress.Phase]
        RECEIVING: _ClassVar[ReloadProgress.Phase]
        READING: _ClassVar[ReloadProgress.Phase]
        VALIDATED: _ClassVar[ReloadProgress.Phase]
        BUILDING: _ClassVar[ReloadProgress.Phase]
        SWAPPED: _ClassVar[ReloadProgress.Phase]
        DRY_RUN_OK: _ClassVar[ReloadProgress.Phase]
    PHASE_UNSPECIFIED: ReloadProgress.Phase
    RECEIVING: ReloadProgress.Phase
    READING: ReloadProgress.Phase
    VALIDATED: ReloadProgress.Phase
    BUILDING: ReloadProgress.Phase
    SWAPPED: ReloadProgress.Phase
    DRY_RUN_OK: ReloadProgress.Phase
    PHASE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ROWS_READ_FIELD_NUMBER: _ClassVar[int]
    ROWS_REJECTED_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PLACES_FIELD_NUMBER: _ClassVar[int]
    phase: ReloadProgress.Phase
    detail: str
    rows_read: int
    rows_rejected: int
    version: str
    places: int
    def __init__(self, phase: _Optional[_Union[ReloadProgress.Phase, str]] = ..., detail: _Optional[str] = ..., rows_read: _Optional[int] = ..., rows_rejected: _Optional[int] = ..., version: _Optional[str] = ..., places: _Optional[int] = ...) -> None: ...
