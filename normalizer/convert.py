"""The one place where plain records meet generated protobuf classes."""

from __future__ import annotations

from gazetteer.model import COLLOQUIAL, HISTORIC, PREFERRED, SHORT, Place
from normalizer.types import GazetteerInfo, Query, Result
from placenorm.v1 import placenorm_pb2 as pb


def query_from_pb(req: pb.NormalizeRequest) -> Query:
    near = None
    if req.HasField("near"):
        near = (req.near.latitude, req.near.longitude)
    return Query(
        text=req.query,
        countries=tuple(req.country_codes),
        language=req.language or None,
        feature_classes=tuple(req.feature_classes),
        limit=req.limit,
        min_score=req.min_score,
        context=tuple(req.context),
        prefer_countries=tuple(req.prefer_country_codes),
        near=near,
        request_id=req.request_id,
    )


def place_to_pb(place: Place, country_name: str = "") -> pb.Place:
    msg = pb.Place(
        id=place.id,
        name=place.name,
        ascii_name=place.ascii_name,
        country_code=place.country_code,
        country_name=country_name,
        admin1_code=place.admin1_code,
        admin1_name=place.admin1_name,
        admin2_code=place.admin2_code,
        feature_class=place.feature_class,
        feature_code=place.feature_code,
        latitude=place.latitude,
        longitude=place.longitude,
        population=place.population,
        timezone=place.timezone,
    )
    for n in place.names:
        msg.names.add(
            text=n.text,
            language=n.language,
            source=n.source,
            is_preferred=bool(n.flags & PREFERRED),
            is_short=bool(n.flags & SHORT),
            is_colloquial=bool(n.flags & COLLOQUIAL),
            is_historic=bool(n.flags & HISTORIC),
        )
    return msg


def result_to_pb(result: Result, version: str, country_name) -> pb.NormalizeResponse:
    return pb.NormalizeResponse(
        request_id=result.request_id,
        query=result.query,
        normalized_query=result.normalized_query,
        ambiguous=result.ambiguous,
        gazetteer_version=version,
        candidates=[
            pb.Candidate(
                place=place_to_pb(c.place, country_name(c.place.country_code)),
                score=c.score,
                match_type=int(c.match_type),
                matched_name=c.matched_name,
                matched_language=c.matched_language,
            )
            for c in result.candidates
        ],
    )


def info_to_pb(info: GazetteerInfo) -> pb.GazetteerInfo:
    return pb.GazetteerInfo(
        version=info.version,
        sources=list(info.sources),
        places=info.places,
        names=info.names,
        keys=info.keys,
        built_at=info.built_at,
        loaded_at=info.loaded_at,
        schema=info.schema,
        size_bytes=info.size_bytes,
        precomputed_answers=info.precomputed_answers,
    )
