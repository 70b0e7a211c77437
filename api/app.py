"""The app factory: settings → store, accounts and signer in the lifespan; routers; errors."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import compression, errors
from api.accounts import Accounts
from api.auth.links import LinkSigner
from api.auth.throttle import SignInThrottle
from api.dashboard import DashboardCache, WarmUp, start_warm_up
from api.deps import utc_now
from api.memory import one_arena
from api.middleware import AccessLog, BodyLimit, CrossSiteGuard
from api.routes import (
    audit,
    auth,
    children,
    dashboard,
    documents,
    health,
    imports,
    links,
    maps,
    measures,
    meetings,
    network,
    people,
    periods,
    records,
    users,
    young_person,
    young_person_plans,
)
from api.settings import Settings
from graph.base import GraphStore

DESCRIPTION = """
Relationship strength and continuity for children's social care.

**Sign in** with `POST /api/auth/login`: the answer sets the `ecomap_session` cookie and
returns the same token for `Authorization: Bearer <token>`. **Young people** use the link
their worker made: `Authorization: Link <token>` on `/api/me/...`.

**Roles.** A *worker* reads and edits the children allocated to them (their caseload) and
no others. A *leader* sees cohort measures and trends for their team (or the whole
authority if they have no team) — no names or per-child records unless also allocated.
An *admin* manages users, allocations and the audit log, and bulk import/export.

**Editing safely.** Every child's record has a version, sent as the `ETag`; every write
to a child must send it back in `If-Match` (`428` without it), and a write against a
newer version gets `409` with the current version instead of overwriting someone else's
change. A shared person's edit (`PATCH /api/people/{id}`) names the person's version the
same way. Say why in an optional `X-Reason` header: it is kept with the revision.

**History.** Every write is a revision (who, when, why); `GET
/api/children/{id}/revisions` lists them in plain words, reads take `as_recorded` (a
revision or a time), and `POST /api/children/{id}/restore` brings an earlier one back.

**Errors** always have one shape: `{"error": {"code", "message", "details": [{"field",
"message"}]}}`.
"""

TAGS = [
    {"name": "auth", "description": "Signing in and out."},
    {"name": "children", "description": "Children on your caseload."},
    {"name": "documents", "description": "A child's whole `ecomap/1` document."},
    {"name": "network", "description": "People, ties, observations and episodes."},
    {"name": "meetings", "description": "Family meetings and reviews, their plans and "
     "progress (docs/meetings.md)."},
    {"name": "people", "description": "Shared people: find, link, change in the open."},
    {"name": "record", "description": "Revisions, restore, close, reopen, erase."},
    {"name": "ecomap", "description": "The ecomap ready to draw, changes, and exports."},
    {"name": "measures", "description": "MEASURES.md: one child's measures and history."},
    {"name": "dashboard", "description": "Cohort measures and trends (no names)."},
    {"name": "links", "description": "Young people's links."},
    {"name": "young person", "description": "What a young person's link can do."},
    {"name": "admin", "description": "Users, allocations, audit."},
    {"name": "import and export", "description": "Bulk JSON Lines."},
    {"name": "health", "description": "Liveness."},
]


def create_app(settings: Settings | None = None, store: GraphStore | None = None, *,
               warm_up: WarmUp | None = None) -> FastAPI:
    """Build the service. The store (unless given) and the accounts database are opened in
    the lifespan from ``settings`` — never at import — and closed at shutdown. A
    ``warm_up`` already started (``ecomap serve``: :func:`api.dashboard.start_warm_up`)
    brings its store, which the app then owns, and its cache."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        one_arena()  # the dashboard's threads reuse each other's freed temporaries
        own_store = store is None
        if warm_up is not None:
            graph_store = warm_up.store
        else:
            graph_store = store if store is not None else settings.open_store()
        accounts = Accounts(settings.accounts_path())
        app.state.settings = settings
        app.state.store = graph_store
        app.state.accounts = accounts
        key = settings.signing_key()
        app.state.signer = LinkSigner(key)
        app.state.audit_key = key
        app.state.throttle = SignInThrottle(
            settings.login_account_limit,
            settings.login_address_limit,
            hash_slots=settings.login_hash_slots,
        )
        if not hasattr(app.state, "clock"):
            app.state.clock = utc_now
        thread: threading.Thread | None = None
        if warm_up is not None:
            app.state.dashboard_cache = warm_up.cache
            thread = app.state.dashboard_warm_up = warm_up.thread
        else:
            app.state.dashboard_cache = DashboardCache()
            if settings.dashboard_warm:
                thread = _start_warm_up(app, graph_store, settings)
        try:
            yield
        finally:
            if thread is not None:
                thread.join()  # it reads the store: let it finish before the store closes
            accounts.close()
            if own_store:
                graph_store.close()

    app = FastAPI(
        title="ecomap",
        version="0.1.0",
        summary="Relationship-network measurement for children's social care.",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own pages load scripts from a CDN: see api/api_docs.py
        redoc_url=None,
    )
    errors.install(app)
    for module in (
        auth,
        children,
        documents,
        network,
        periods,
        people,
        records,
        maps,
        measures,
        meetings,
        dashboard,
        links,
        young_person,
        young_person_plans,
        users,
        audit,
        imports,
        health,
    ):
        app.include_router(module.router)
    _mount_pages(app, api_docs=settings.api_docs)
    # security middleware (docs/security.md): keep these together, innermost first
    app.add_middleware(CrossSiteGuard)
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, import_bytes=settings.max_import_bytes
    )
    app.add_middleware(AccessLog)
    compression.install(app)
    return app


def _start_warm_up(app: FastAPI, store: GraphStore, settings: Settings) -> threading.Thread:
    """Start computing the first dashboard (:func:`api.dashboard.warm`: the
    authority-wide leader's, on today's date by the app's clock, default trend) into the
    app's dashboard cache.

    On a thread, not awaited, so the service answers at once: health checks, sign-in and
    editing need not wait seconds for a large authority's figures, and a dashboard request
    that comes before it ends waits for the same computation instead of repeating it
    (:class:`api.dashboard_cache.Lru`). A daemon thread, joined at shutdown before the
    store closes. ``ECOMAP_DASHBOARD_WARM=false`` switches it off."""
    started = start_warm_up(store, settings, app.state.dashboard_cache,
                            app.state.clock().date())
    app.state.dashboard_warm_up = started.thread
    return started.thread


def _mount_pages(app: FastAPI, *, api_docs: bool) -> None:
    """The web pages: the editor, the young person's page and the dashboard; and the API
    docs (offline, under the same content-security policy) unless switched off.

    Imported here rather than at the top because web/ builds on the API's dependencies
    (api → web → ecomap), so a module-level import would be circular."""
    from web.pages import router, static_files
    from web.pages.shell import CONTENT_SECURITY_POLICY

    app.include_router(router)
    app.mount("/static", static_files(), name="static")
    if api_docs:
        from api import api_docs as docs_pages

        docs_pages.install(app, CONTENT_SECURITY_POLICY)
