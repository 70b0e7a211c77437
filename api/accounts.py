"""The accounts database: users, allocations, sessions, young people's links, audit log.

A small SQLite file kept apart from the graph store on purpose: access control and
the audit trail must not depend on which graph store is configured (embedded or
Neo4j), must never travel with an export of children's data, and are backed up and
retained on their own schedule. It holds ids, never names of children or notes.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

Role = Literal["worker", "leader", "admin"]
ROLES: tuple[Role, ...] = ("worker", "leader", "admin")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('worker', 'leader', 'admin')),
    team TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS allocations (
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    child_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (username, child_id)
);
CREATE INDEX IF NOT EXISTS allocations_child ON allocations(child_id);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash TEXT PRIMARY KEY,
    username TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY,
    child_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    child_id TEXT,
    target TEXT,
    outcome TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_child ON audit(child_id);
CREATE INDEX IF NOT EXISTS audit_actor ON audit(actor);
"""


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # naive times are taken as UTC, never as server-local
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def token_hash(token: str) -> str:
    """Sessions are stored as a hash of their token, so a copied database signs no one in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    username: str
    role: Role
    team: str | None
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class Link:
    id: str
    child_id: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    role: str
    action: str
    child_id: str | None
    target: str | None
    outcome: str


class UserExists(Exception):
    """A user with that name already exists."""


class Accounts:
    """Thread-safe access to the accounts database (one connection, one lock)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
                # Every read of a child's record writes an audit row: with WAL, NORMAL
                # syncs at checkpoints, not per commit (a py-spy profile showed the fsync
                # was 40% of a child-measures request). A crash of the process loses
                # nothing; a power cut may lose the last moments — as for the graph store.
                self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.execute("PRAGMA busy_timeout=5000")
            self._db.executescript(_SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # users ------------------------------------------------------------------
    def add_user(
        self, username: str, password_hash: str, role: Role, team: str | None, now: datetime
    ) -> User:
        try:
            with self._tx() as db:
                db.execute(
                    "INSERT INTO users(username, password_hash, role, team, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (username, password_hash, role, team, _iso(now)),
                )
        except sqlite3.IntegrityError as exc:
            raise UserExists(username) from exc
        return User(username, role, team, True, now.replace(microsecond=0))

    def set_password(self, username: str, password_hash: str) -> None:
        """Change the password and end every session (the old password stops at once)."""
        with self._tx() as db:
            db.execute(
                "UPDATE users SET password_hash=? WHERE username=?", (password_hash, username)
            )
            db.execute("DELETE FROM sessions WHERE username=?", (username,))

    def set_active(self, username: str, active: bool) -> None:
        """Disable (ending every session at once) or re-enable an account."""
        with self._tx() as db:
            db.execute("UPDATE users SET active=? WHERE username=?", (int(active), username))
            if not active:
                db.execute("DELETE FROM sessions WHERE username=?", (username,))

    @staticmethod
    def _user(row: sqlite3.Row) -> User:
        return User(
            row["username"],
            row["role"],
            row["team"],
            bool(row["active"]),
            _parse(row["created_at"]),
        )

    def user(self, username: str) -> User | None:
        rows = self._all("SELECT * FROM users WHERE username=?", (username,))
        return self._user(rows[0]) if rows else None

    def password_hash(self, username: str) -> str | None:
        rows = self._all(
            "SELECT password_hash FROM users WHERE username=? AND active=1", (username,)
        )
        return str(rows[0]["password_hash"]) if rows else None

    def users(self) -> list[User]:
        return [self._user(r) for r in self._all("SELECT * FROM users ORDER BY username")]

    # allocations --------------------------------------------------------------
    def allocate(self, username: str, child_id: str, now: datetime) -> bool:
        """Allocate a child to a user; False if it already was."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO allocations(username, child_id, created_at)"
                " VALUES (?, ?, ?)",
                (username, child_id, _iso(now)),
            )
            return cur.rowcount == 1

    def deallocate(self, username: str, child_id: str) -> bool:
        with self._tx() as db:
            cur = db.execute(
                "DELETE FROM allocations WHERE username=? AND child_id=?", (username, child_id)
            )
            return cur.rowcount == 1

    def forget_child(self, child_id: str) -> None:
        """Drop allocations and links of a deleted child."""
        with self._tx() as db:
            db.execute("DELETE FROM allocations WHERE child_id=?", (child_id,))
            db.execute("DELETE FROM links WHERE child_id=?", (child_id,))

    def is_allocated(self, username: str, child_id: str) -> bool:
        return bool(
            self._all(
                "SELECT 1 FROM allocations WHERE username=? AND child_id=?", (username, child_id)
            )
        )

    def caseload(self, username: str) -> list[str]:
        return [
            r["child_id"]
            for r in self._all(
                "SELECT child_id FROM allocations WHERE username=? ORDER BY child_id", (username,)
            )
        ]

    def allocations(self, username: str | None = None) -> list[tuple[str, str]]:
        if username is None:
            rows = self._all(
                "SELECT username, child_id FROM allocations ORDER BY username, child_id"
            )
        else:
            rows = self._all(
                "SELECT username, child_id FROM allocations WHERE username=? ORDER BY child_id",
                (username,),
            )
        return [(r["username"], r["child_id"]) for r in rows]

    # sessions -----------------------------------------------------------------
    def add_session(self, token: str, username: str, now: datetime, expires: datetime) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (_iso(now),))
            db.execute(
                "INSERT INTO sessions(token_hash, username, created_at, expires_at)"
                " VALUES (?,?,?,?)",
                (token_hash(token), username, _iso(now), _iso(expires)),
            )

    def session_user(self, token: str, now: datetime) -> User | None:
        rows = self._all(
            "SELECT u.* FROM sessions s JOIN users u ON u.username = s.username"
            " WHERE s.token_hash=? AND s.expires_at > ? AND u.active=1",
            (token_hash(token), _iso(now)),
        )
        return self._user(rows[0]) if rows else None

    def end_sessions(self, username: str) -> int:
        """End every session of ``username`` at once; how many there were."""
        with self._tx() as db:
            return db.execute("DELETE FROM sessions WHERE username=?", (username,)).rowcount

    def session_count(self, username: str, now: datetime) -> int:
        """How many unexpired sessions ``username`` has."""
        rows = self._all(
            "SELECT COUNT(*) AS n FROM sessions WHERE username=? AND expires_at > ?",
            (username, _iso(now)),
        )
        return int(rows[0]["n"])

    def end_session(self, token: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token_hash=?", (token_hash(token),))

    # links --------------------------------------------------------------------
    def add_link(
        self, link_id: str, child_id: str, created_by: str, now: datetime, expires: datetime
    ) -> Link:
        with self._tx() as db:
            db.execute(
                "INSERT INTO links(id, child_id, created_by, created_at, expires_at)"
                " VALUES (?,?,?,?,?)",
                (link_id, child_id, created_by, _iso(now), _iso(expires)),
            )
        return Link(
            link_id,
            child_id,
            created_by,
            now.replace(microsecond=0),
            expires.replace(microsecond=0),
            None,
        )

    @staticmethod
    def _link(row: sqlite3.Row) -> Link:
        revoked = row["revoked_at"]
        return Link(
            row["id"],
            row["child_id"],
            row["created_by"],
            _parse(row["created_at"]),
            _parse(row["expires_at"]),
            _parse(revoked) if revoked else None,
        )

    def link(self, link_id: str) -> Link | None:
        rows = self._all("SELECT * FROM links WHERE id=?", (link_id,))
        return self._link(rows[0]) if rows else None

    def links_of(self, child_id: str) -> list[Link]:
        return [
            self._link(r)
            for r in self._all(
                "SELECT * FROM links WHERE child_id=? ORDER BY created_at, id", (child_id,)
            )
        ]

    def revoke_link(self, link_id: str, now: datetime) -> bool:
        with self._tx() as db:
            cur = db.execute(
                "UPDATE links SET revoked_at=? WHERE id=? AND revoked_at IS NULL",
                (_iso(now), link_id),
            )
            return cur.rowcount == 1

    # audit --------------------------------------------------------------------
    def record(
        self,
        *,
        at: datetime,
        actor: str,
        role: str,
        action: str,
        child_id: str | None,
        target: str | None,
        outcome: str,
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO audit(at, actor, role, action, child_id, target, outcome)"
                " VALUES (?,?,?,?,?,?,?)",
                (_iso(at), actor, role, action, child_id, target, outcome),
            )

    def audit(
        self,
        *,
        actor: str | None = None,
        child_id: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> tuple[list[AuditEntry], int]:
        where, args = [], []
        for column, value in (("actor", actor), ("child_id", child_id), ("action", action)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if since is not None:
            where.append("at >= ?")
            args.append(_iso(since))
        if until is not None:
            where.append("at < ?")
            args.append(_iso(until))
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        total = self._all(f"SELECT COUNT(*) AS n FROM audit{clause}", args)[0]["n"]
        rows = self._all(
            f"SELECT * FROM audit{clause} ORDER BY id DESC LIMIT ? OFFSET ?", [*args, limit, offset]
        )
        entries = [
            AuditEntry(
                r["id"],
                _parse(r["at"]),
                r["actor"],
                r["role"],
                r["action"],
                r["child_id"],
                r["target"],
                r["outcome"],
            )
            for r in rows
        ]
        return entries, int(total)
