"""One settings object for the service and the CLI: environment > ``.env`` > default."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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
        None, validation_alias="NEO4J_DATABASE", description="Neo4j database (server default if unset)."
    )
    host: str = Field("127.0.0.1", description="Address `ecomap serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `ecomap serve` listens on.")

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> Settings:
        """Settings from a plain mapping (for tests), ignoring the environment and `.env`."""
        return cls.model_validate(values)
