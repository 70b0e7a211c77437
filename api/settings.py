"""One settings object for the service and the CLI: environment > ``.env`` > default."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from ecomap.measures.settings import MeasureSettings, StrengthWeights

if TYPE_CHECKING:
    from graph.base import GraphStore

MEMORY = ":memory:"


class Settings(BaseSettings):
    """Every setting, its environment variable (``ECOMAP_`` prefix unless named) and default."""

    model_config = SettingsConfigDict(
        env_prefix="ECOMAP_", env_file=".env", extra="ignore", populate_by_name=True
    )

    store: Literal["embedded", "neo4j"] = Field(
        "embedded", description="Which graph store: `embedded` (SQLite file) or `neo4j`."
    )
    db: Path = Field(
        Path("ecomap.db"),
        description="Embedded store file (created on first use); `:memory:` for a throwaway store.",
    )
    neo4j_uri: str | None = Field(
        None, validation_alias="NEO4J_URI", description="Bolt URI of the Neo4j server."
    )
    neo4j_user: str = Field("neo4j", validation_alias="NEO4J_USER", description="Neo4j user.")
    neo4j_password: SecretStr = Field(
        SecretStr(""), validation_alias="NEO4J_PASSWORD", description="Neo4j password."
    )
    neo4j_database: str | None = Field(
        None,
        validation_alias="NEO4J_DATABASE",
        description="Neo4j database (server default if unset).",
    )
    host: str = Field("127.0.0.1", description="Address `ecomap serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `ecomap serve` listens on.")

    accounts_db: Path | None = Field(
        None,
        description=(
            "SQLite file of user accounts, allocations, young people's links and the audit log "
            "(`ECOMAP_ACCOUNTS_DB`). Default: `<db stem>.accounts.db` next to the store file, or "
            "`:memory:` when the store is `:memory:` or Neo4j without a path. Kept apart from the "
            "graph store so that access control and audit do not depend on which graph store "
            "is chosen, are never exported with children's data, and can be backed up and "
            "retained on their own schedule."
        ),
    )
    secret_key: SecretStr | None = Field(
        None,
        description=(
            "Key signing young people's links (`ECOMAP_SECRET_KEY`). If unset, a random key is "
            "generated once and kept in `<db stem>.secret` next to the store file (mode 0600) so "
            "links survive restarts; with a `:memory:` store a fresh key is made per process."
        ),
    )
    session_hours: float = Field(
        12.0,
        gt=0,
        le=24 * 30,
        description="How long a sign-in (cookie or bearer token) lasts, hours.",
    )
    link_days: float = Field(
        14.0,
        gt=0,
        le=90,
        description="Longest life of a young person's link, days (a worker may choose shorter).",
    )
    max_body_bytes: int = Field(
        1_048_576, ge=1024, description="Largest request body accepted, bytes (413 beyond)."
    )
    max_import_bytes: int = Field(
        268_435_456,
        ge=1024,
        description="Largest JSON Lines body `POST /api/import` accepts, bytes.",
    )
    cookie_secure: bool = Field(
        False, description="Mark cookies `Secure` (set true when served over HTTPS)."
    )
    login_account_limit: str = Field(
        "5/minute;20/hour;100/day",
        validate_default=False,  # parsed by the app's throttle; see _limits
        description=(
            "Failed sign-ins allowed per username (`ECOMAP_LOGIN_ACCOUNT_LIMIT`), as windows "
            "that must all hold, written `N/second|minute|hour|day` and joined by `;`. "
            "Beyond them sign-in answers 429 with `Retry-After`, even with the right password; "
            "the longer windows make the wait grow while guessing goes on."
        ),
    )
    login_address_limit: str = Field(
        "60/minute;600/hour",
        validate_default=False,  # parsed by the app's throttle; see _limits
        description=(
            "Sign-in attempts allowed per client address (`ECOMAP_LOGIN_ADDRESS_LIMIT`), "
            "same form. `ecomap serve` does not trust proxy headers, so behind a reverse "
            "proxy every sign-in comes from the proxy's address: raise this limit, or run "
            "uvicorn with `--proxy-headers --forwarded-allow-ips <proxy>`."
        ),
    )
    login_hash_slots: int = Field(
        1,
        ge=1,
        le=64,
        description=(
            "Most password checks run at once (`ECOMAP_LOGIN_HASH_SLOTS`): each costs "
            "~0.1-0.3 s of CPU, so a flood of sign-ins waits its turn instead of starving "
            "everyone's reads; a sign-in that waits over 5 s gets 429."
        ),
    )
    api_docs: bool = Field(
        True,
        description=(
            "Serve the API documentation at `/docs` (Swagger UI) and `/redoc` "
            "(`ECOMAP_API_DOCS`), from files installed with the service (no CDN), under the "
            "pages' content-security policy; `false` switches both off (`/openapi.json` "
            "stays)."
        ),
    )
    dashboard_warm: bool = Field(
        True,
        description=(
            "Compute the dashboard asked for first (the authority-wide leader's, today, the "
            "default 12-month trend) when the service starts (`ECOMAP_DASHBOARD_WARM`), on a "
            "thread of its own so start-up is not held up; a request that comes meanwhile "
            "waits for it instead of doing the same work again. `false`: the first request "
            "computes it (seconds at 100,000 children)."
        ),
    )
    window_days: int = Field(
        365, ge=1, le=3650, description="Default continuity window of the measures, days."
    )
    min_cohort: int = Field(
        5,
        ge=1,
        le=1000,
        description=(
            "Fewest children whose cohort measures a leader may see (`ECOMAP_MIN_COHORT`): "
            "for a smaller scope (a tiny team, a worker filter, a status) the dashboard, its "
            "CSV and its charts give the count only, every measure null and `suppressed` "
            "true, so no one child's numbers can be read off. Workers looking at their own "
            "caseload are not limited (they may open each child anyway); admins see no "
            "dashboard."
        ),
    )
    weights: StrengthWeights | None = Field(
        None,
        description=(
            "Tie-strength weights passed to `ecomap.measures` (`ECOMAP_WEIGHTS`, JSON, e.g. "
            '`{"closeness": 0.3, "contact": 0.2, "support": 0.25, "reciprocity": 0.1, '
            '"duration": 0.15, "critical": 0.25}`); unset = the MEASURES.md defaults.'
        ),
    )

    @field_validator("login_account_limit", "login_address_limit")
    @classmethod
    def _limits(cls, value: str) -> str:
        # Only a value someone set is checked here (the defaults are parsed when the app
        # builds its throttle): the ``limits`` library costs a command line ~0.08 s to load.
        from api.auth.throttle import parse_limits

        try:
            parse_limits(value)
        except ValueError as exc:
            raise ValueError("must be windows like `5/minute;20/hour`") from exc
        return value

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        """Settings from a plain mapping (for tests), ignoring the environment and `.env`."""
        return cls.model_validate(values)

    def measure_settings(self) -> MeasureSettings:
        """The measures' settings: weights and window from here, the rest their defaults."""
        if self.weights is None:
            return MeasureSettings(window_days=self.window_days)
        return MeasureSettings(window_days=self.window_days, weights=self.weights)

    @property
    def in_memory(self) -> bool:
        """Whether the embedded store lives only in memory."""
        return self.store == "embedded" and str(self.db) == MEMORY

    def accounts_path(self) -> str:
        """Where the accounts database lives (see ``accounts_db``)."""
        if self.accounts_db is not None:
            return str(self.accounts_db)
        if self.in_memory or (self.store == "neo4j" and str(self.db) == MEMORY):
            return MEMORY
        return str(self.db.with_name(self.db.stem + ".accounts.db"))

    def signing_key(self) -> str:
        """The link-signing key: the setting, else the persisted (or fresh) generated key."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        if self.in_memory:
            return secrets.token_urlsafe(32)
        path = self.db.with_name(self.db.stem + ".secret")
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        key = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return path.read_text(encoding="utf-8").strip()
        with os.fdopen(fd, "w", encoding="utf-8") as fp:
            fp.write(key)
        return key

    def open_store(self, path: Path | None = None) -> GraphStore:
        """Open the graph store these settings name. A ``path`` (the CLI's ``--store``)
        means that embedded store file, whatever ``ECOMAP_STORE`` says."""
        from graph import open_store

        if path is not None:
            return open_store("embedded", path=path)
        return open_store(
            self.store,
            path=self.db,
            uri=self.neo4j_uri,
            user=self.neo4j_user,
            password=self.neo4j_password.get_secret_value(),
            database=self.neo4j_database,
        )
