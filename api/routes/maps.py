"""A child's ecomap ready to draw, the difference between two dates, and network exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal

import networkx as nx
from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.child_access import Access, AsRecordedQ, ChildAccess, resolve_as_recorded
from api.deps import AtQ, PerspectiveQ, SettingsDep, TodayDep
from api.errors import ERROR_RESPONSES, ApiError, ErrorDetail
from api.models.views import DiffPublic, EcomapPublic
from ecomap.cells import xml_text
from ecomap.measures.effective import effective_observation, observations_by_tie
from ecomap.measures.strength import tie_measures
from ecomap.meetings import add_meetings_to_graph
from ecomap.model import EcomapDocument, IsoDate
from ecomap.view import ecomap_diff, ecomap_view

router = APIRouter(prefix="/api/children", tags=["ecomap"], responses=ERROR_RESPONSES)


@router.get("/{child_id}/ecomap", response_model=EcomapPublic, summary="The ecomap on a date")
def read_ecomap(
    access: Annotated[ChildAccess, Access("ecomap.read")],
    settings: SettingsDep,
    today: TodayDep,
    at: AtQ = None,
    perspective: PerspectiveQ = "combined",
    as_recorded: AsRecordedQ = None,
) -> dict[str, Any]:
    """Members with category, line, arrows, strength and components, trusted flag and
    closeness ring, plus the person-person ties among them — ready to draw. With
    `as_recorded`, drawn from the record as the store held it then."""
    _, doc = access.read(as_recorded)
    return ecomap_view(doc, at or today, perspective, settings=settings.measure_settings())


@router.get(
    "/{child_id}/diff",
    response_model=DiffPublic,
    summary="What changed between two dates",
    response_model_by_alias=True,
)
def read_diff(
    access: Annotated[ChildAccess, Access("diff.read")],
    settings: SettingsDep,
    today: TodayDep,
    from_: Annotated[IsoDate, Query(alias="from", description="The earlier date.")],
    to: Annotated[IsoDate | None, Query(description="The later date (default: today).")] = None,
    perspective: PerspectiveQ = "combined",
    as_recorded: AsRecordedQ = None,
) -> dict[str, Any]:
    """Ties gained and lost (with when and why they ended), and for the people kept,
    each drawn property that changed and how."""
    end = to or today
    if from_ > end:
        raise ApiError(
            422,
            "`from` must not be after `to`",
            details=[ErrorDetail(field="from", message="is after `to`")],
        )
    _, doc = access.read(as_recorded)
    return ecomap_diff(doc, from_, end, perspective, settings=settings.measure_settings())


def network_graph(doc: EcomapDocument, at: date | None, settings: Any) -> nx.Graph:
    """The child's network as a networkx graph: every tie (or, with ``at``, the ties
    active then, with their measures), attributes without nulls; meetings are nodes
    with invited/attended/committed edges (:func:`ecomap.meetings.add_meetings_to_graph`)."""
    graph = nx.Graph(child=doc.child.id, **({"at": at.isoformat()} if at else {}))
    c = doc.child
    graph.add_node(
        c.id, **_clean({"kind": "child", "name": c.name, "status": c.status, "team": c.team})
    )
    people = {p.id: p for p in doc.people}
    for p in doc.people:
        graph.add_node(
            p.id,
            **_clean(
                {
                    "kind": "person",
                    "name": p.name,
                    "category": p.category,
                    "role": p.role,
                    "adult": p.adult,
                    "paid": p.paid,
                }
            ),
        )
    by_tie = observations_by_tie(doc.observations)
    for tie in doc.ties:
        attrs: dict[str, Any] = {
            "id": tie.id,
            "started": tie.started.isoformat() if tie.started else None,
            "ended": tie.ended.isoformat() if tie.ended else None,
            "end_reason": tie.end_reason,
        }
        if at is not None:
            if not tie.active_on(at):
                continue
            other = people.get(tie.between[1]) or people.get(tie.between[0])
            if other is not None:
                obs = effective_observation(by_tie.get(tie.id, []), at)
                m = tie_measures(tie, other, obs, at, settings=settings)
                attrs.update(
                    strength=m["strength"], line=m["line"], arrows=m["arrows"], trusted=m["trusted"]
                )
        graph.add_edge(tie.between[0], tie.between[1], **_clean(attrs))
    add_meetings_to_graph(graph, doc.meetings, at)
    return graph


def _clean(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if v is not None}


def _export(
    access: ChildAccess,
    settings: Any,
    at: date | None,
    kind: Literal["graphml", "gexf"],
    as_recorded: str | None,
) -> StreamingResponse:
    child_id = access.child_id
    wanted = resolve_as_recorded(access.store, as_recorded)
    doc = access.store.get(child_id, as_recorded=wanted)
    access.audit(target=kind)
    graph = network_graph(doc, at, settings.measure_settings())
    lines: Iterator[str] = (
        nx.generate_graphml(graph) if kind == "graphml" else nx.generate_gexf(graph)
    )
    return StreamingResponse(
        # stored text may predate the no-control-characters rule: keep the XML well-formed
        (xml_text(line) + "\n" for line in lines),
        media_type="application/graphml+xml" if kind == "graphml" else "application/gexf+xml",
        headers={"Content-Disposition": f'attachment; filename="{child_id}.{kind}"'},
    )


_GRAPHML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/graphml+xml": {}}, "description": "The network as GraphML."}
}
_GEXF: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/gexf+xml": {}}, "description": "The network file."}
}


@router.get(
    "/{child_id}/export.graphml",
    response_class=StreamingResponse,
    responses=_GRAPHML,
    summary="The network as GraphML",
)
def export_graphml(
    access: Annotated[ChildAccess, Access("network.export")],
    settings: SettingsDep,
    at: AtQ = None,
    as_recorded: AsRecordedQ = None,
) -> StreamingResponse:
    """Nodes (child and people, with category, role, adult, paid) and ties (started, ended,
    end reason; with `at`, only active ties, with strength, line, arrows, trusted)."""
    return _export(access, settings, at, "graphml", as_recorded)


@router.get(
    "/{child_id}/export.gexf",
    response_class=StreamingResponse,
    responses=_GEXF,
    summary="The network as GEXF",
)
def export_gexf(
    access: Annotated[ChildAccess, Access("network.export")],
    settings: SettingsDep,
    at: AtQ = None,
    as_recorded: AsRecordedQ = None,
) -> StreamingResponse:
    """As GraphML, in GEXF (for Gephi)."""
    return _export(access, settings, at, "gexf", as_recorded)
