"""CLI commands: ``ecomap serve`` (the service) and ``ecomap demo`` (synthetic data, served)."""

from __future__ import annotations

import logging
import tempfile
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.settings import Settings

if TYPE_CHECKING:
    from api.dashboard import WarmUp

DEMO_PASSWORD = "ecomap-demo"
DEMO_SEED = 2026


def _run(settings: Settings, host: str, port: int) -> None:
    # The first dashboard is started before the web framework is loaded (about two
    # seconds of imports), on the store the app then serves (api.dashboard.start_warm_up).
    warm_up = _early_warm_up(settings) if settings.dashboard_warm else None

    import uvicorn

    from api.app import create_app

    # The access log is ours (route templates only): uvicorn's would print query strings.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(
        create_app(settings, warm_up=warm_up),
        host=host,
        port=port,
        access_log=False,
        proxy_headers=False,
        server_header=False,
    )


def _early_warm_up(settings: Settings) -> WarmUp:
    """The store opened and the first dashboard started on it, on today's date (UTC, as
    the app's clock gives it)."""
    from api.dashboard import DashboardCache, start_warm_up
    from api.memory import one_arena

    one_arena()  # before any thread: the dashboard's threads share one malloc arena
    return start_warm_up(settings.open_store(), settings, DashboardCache(),
                         datetime.now(UTC).date())


def serve(
    store: Annotated[
        Path | None, typer.Option("--store", help="Embedded store file (default: ECOMAP_DB).")
    ] = None,
    host: Annotated[str | None, typer.Option(help="Listen address (default: ECOMAP_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: ECOMAP_PORT).")] = None,
) -> None:
    """Serve the API and pages with uvicorn, on the store the settings name."""
    settings = Settings()
    if store is not None:
        settings = settings.model_copy(update={"db": store, "store": "embedded"})
    _run(settings, host or settings.host, port or settings.port)


def demo(
    children: Annotated[int, typer.Option(min=1, max=20_000, help="How many children.")] = 300,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    host: Annotated[str, typer.Option(help="Listen address.")] = "127.0.0.1",
    directory: Annotated[
        Path | None,
        typer.Option("--dir", help="Where to make the fresh store (default: a temp dir)."),
    ] = None,
) -> None:
    """Synthesise children into a FRESH store, make demo accounts (admin, worker with a
    caseload, leader) and a young person's link, print how to sign in, then serve."""
    from api.accounts import Accounts
    from api.auth.links import LinkSigner
    from api.auth.passwords import hash_password
    from ecomap.synth import synthesize
    from graph.embedded import EmbeddedStore

    base = Path(tempfile.mkdtemp(prefix="ecomap-demo-")) if directory is None else directory
    base.mkdir(parents=True, exist_ok=True)
    db = base / "demo.db"
    if db.exists():
        typer.echo(f"{db} exists: the demo needs a fresh store (choose another --dir)", err=True)
        raise typer.Exit(2)
    settings = Settings().model_copy(
        update={"db": db, "store": "embedded", "accounts_db": None, "secret_key": None}
    )
    today = date.today()
    typer.echo(f"synthesising {children} children into {db} ...")
    docs = list(synthesize(children, DEMO_SEED, as_at=today, meetings=True))
    store = EmbeddedStore(db)
    try:
        result = store.replace_many(docs, actor="import:demo")
    finally:
        store.close()
    # The busiest social worker's children make the demo worker's caseload.
    workers: Counter[str] = Counter()
    child_of: dict[str, list[str]] = {}
    for doc in docs:
        people = {p.id: p for p in doc.people}
        for tie in doc.ties:
            for pid in tie.between:
                person = people.get(pid)
                if person is not None and person.role == "social_worker" and tie.active_on(today):
                    workers[pid] += 1
                    child_of.setdefault(pid, []).append(doc.child.id)
    caseload = sorted(set(child_of[workers.most_common(1)[0][0]]))[:20] if workers else []
    if not caseload:
        caseload = [d.child.id for d in docs[:16]]
    team = next((d.child.team for d in docs if d.child.id == caseload[0]), None)
    accounts = Accounts(settings.accounts_path())
    now = datetime.now(UTC)
    secret = hash_password(DEMO_PASSWORD)
    accounts.add_user("admin", secret, "admin", None, now)
    accounts.add_user("worker", secret, "worker", team, now)
    accounts.add_user("leader", secret, "leader", team, now)
    for cid in caseload:
        accounts.allocate("worker", cid, now)
    _, token = LinkSigner(settings.signing_key()).create(
        accounts, caseload[0], "worker", now, timedelta(days=settings.link_days)
    )
    accounts.close()
    url = f"http://{host}:{port}"
    typer.echo(
        f"\nstored {len(result.imported)} children ({len(result.rejected)} refused)\n"
        f"open {url}/ and sign in (password {DEMO_PASSWORD!r} for each):\n"
        f"  worker  - {len(caseload)} children on the caseload (team {team})\n"
        f"  leader  - dashboards for team {team}\n"
        f"  admin   - users, allocations, audit\n"
        f"a young person's link for {caseload[0]}: {url}/trust/{token}\n"
        f"API documentation: {url}/docs\n"
    )
    _run(settings, host, port)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("serve")(serve)
    app.command("demo")(demo)
