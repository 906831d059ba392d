"""Settings, read once from the environment and `.env` into one typed object."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything configurable, with the embedded offline defaults."""

    model_config = SettingsConfigDict(
        env_prefix="PLAN_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    data_dir: Path = Field(default=REPO_ROOT / ".data", description="Chroma folder and app data")
    corpus_dir: Path = REPO_ROOT / "data" / "corpus"
    outlines_dir: Path = REPO_ROOT / "data" / "outlines"
    chroma_host: str | None = None
    chroma_port: int | None = None
    collection: str = "plan_chunks"
    # Drafts in PostgreSQL (postgresql://user:password@host:5432/db); unset: SQLite in data_dir.
    database_url: SecretStr | None = None
    embedding: Literal["auto", "e5", "hash"] = "auto"
    # Accounts: none (one user on their own computer), password (users in PLAN_USERS_FILE,
    # added with `python -m rag user add NAME`) or oidc (Streamlit's st.login, [auth] in
    # .streamlit/secrets.toml; PLAN_USERS_FILE then only names the administrators).
    auth: Literal["none", "password", "oidc"] = "none"
    users_file: Path | None = None
    oidc_provider: str | None = None  # the [auth.NAME] section of secrets.toml; unset: [auth]
    # Hours a password sign-in lasts in a browser (refreshes and new tabs included).
    session_hours: float = Field(default=12.0, gt=0, le=24 * 30)
    # Behind a reverse proxy every connection comes from the proxy: the header that carries
    # the client's address (deploy/nginx.conf sets X-Real-IP). Unset: the connection's address.
    client_address_header: str | None = None
    # The model endpoint; with none of these set, plans are drafted offline by the composer.
    llm_provider: str | None = None
    llm_model: str | None = None
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("PLAN_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("PLAN_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_timeout: float = Field(default=60.0, gt=0)  # seconds per read
    # Seconds one section may take in all (a slow drip of text never times out per read).
    llm_section_deadline: float = Field(default=300.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_concurrency: int = Field(default=4, ge=1, le=16)
    llm_temperature: float = Field(default=0.3, ge=0, le=2)
    # Word export fonts: gb2312 (仿宋_GB2312, 楷体_GB2312) or plain (仿宋, 楷体), and overrides.
    docx_fonts: Literal["gb2312", "plain"] = "gb2312"
    docx_title_font: str | None = None
    docx_body_font: str | None = None
    docx_heading1_font: str | None = None
    docx_heading2_font: str | None = None
    docx_page_number_font: str | None = None

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def uses_server(self) -> bool:
        return bool(self.chroma_host)

    @property
    def accounts(self) -> bool:
        """True when users sign in and each sees only their own drafts and uploads."""
        return self.auth != "none"

    @property
    def users_path(self) -> Path:
        return self.users_file or self.data_dir / "users.yaml"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
