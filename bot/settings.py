"""Settings from the environment and `.env`, validated at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:
    from bot.ingestion.sources import PollLimits

PROJECT_SEEDS = Path(__file__).resolve().parent.parent / "seeds"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]


class Settings(BaseSettings):
    """Every setting Briefbot reads; `.env.example` documents each one."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_prefix="BRIEFBOT_", validate_default=True, env_ignore_empty=True)

    corpus_dir: Path = Field(PROJECT_SEEDS, description="Folder of article files (*.txt) to load.")
    max_article_bytes: int = Field(1_048_576, ge=1_024, le=100_000_000,
                                   description="Article files larger than this are skipped.")
    max_front_matter_bytes: int = Field(16_384, ge=256, le=1_048_576,
                                        description="Article files whose front matter is larger are skipped.")
    max_folder_files: int = Field(10_000, ge=1, le=10_000_000, description="At most this many article files are "
                                  "read from the corpus folder (the first by name); the rest are skipped.")
    state_dir: Path = Field(Path(".briefbot"), description="Where the terminal keeps what it has briefed.")
    log_level: LogLevel = Field("WARNING", description="How much to log to stderr.")
    database_url: str | None = Field(None, description="SQLAlchemy URL of the database (default: SQLite in the "
                                     "state folder); postgresql+psycopg://... for larger deployments.")
    retention_days: int = Field(30, ge=1, le=3650, description="Articles ingested from feeds are kept this long.")
    fetch_allow_hosts: str = Field("", description="Comma-separated hosts that may resolve to private addresses "
                                   "(your own feed server); all others must be public.")
    max_entries_per_poll: int = Field(500, ge=1, le=1_000_000, description="At most this many entries of one feed "
                                      "are read in one poll (the first, newest as feeds list them).")
    max_articles_per_source: int = Field(5_000, ge=1, le=10_000_000, description="A source holding this many "
                                         "articles keeps no more until old ones age out.")
    pages_per_feed: int = Field(20, ge=0, le=10_000, description="Teaser pages fetched for one feed in one poll "
                                "(the rest keep the feed's teaser).")
    pages_per_poll: int = Field(200, ge=0, le=100_000, description="Teaser pages fetched in one poll of all due "
                                "feeds.")
    page_seconds_per_poll: float = Field(60.0, ge=1, le=3_600, description="Teaser pages not fetched within this "
                                         "many seconds of a poll keep the feed's teaser.")
    ingest_seconds: float = Field(30.0, ge=1, le=3_600, description="How often (seconds) the running bot polls the "
                                  "feeds that are due and looks at the corpus folder for new or changed files.")
    schedule_grace_minutes: int = Field(120, ge=0, le=24 * 60, description="How late a missed scheduled briefing "
                                        "may still be posted after an outage; later, it is skipped and reported.")
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN",
                                            description="The bot's token from the Discord developer portal.")
    discord_guild_id: int | None = Field(None, validation_alias="DISCORD_GUILD_ID",
                                         description="Sync commands to this server only (instant, for trying out).")
    discord_api_base_url: str = Field("https://discord.com/api/v10", validation_alias="DISCORD_API_BASE_URL",
                                      pattern=r"^https?://\S+$", description="Discord's REST base (or a proxy's).")
    discord_gateway_url: str = Field("wss://gateway.discord.gg/", validation_alias="DISCORD_GATEWAY_URL",
                                     pattern=r"^wss?://\S+$", description="Discord's gateway (or a proxy's).")


    @property
    def allowed_hosts(self) -> frozenset[str]:
        """Return the hosts exempt from the private-address check."""
        return frozenset(host.strip().lower() for host in self.fetch_allow_hosts.split(",") if host.strip())

    @property
    def poll_limits(self) -> PollLimits:
        """Return what one poll may cost (entries, articles per source, teaser pages)."""
        from bot.ingestion.sources import PollLimits  # noqa: PLC0415 - settings load before the ingestion code

        return PollLimits(entries_per_poll=self.max_entries_per_poll,
                          articles_per_source=self.max_articles_per_source, pages_per_feed=self.pages_per_feed,
                          pages_per_poll=self.pages_per_poll, page_seconds_per_poll=self.page_seconds_per_poll)

    @property
    def database(self) -> str:
        """Return the database URL (SQLite in the state folder unless BRIEFBOT_DATABASE_URL says otherwise)."""
        return self.database_url or f"sqlite:///{(self.state_dir / 'briefbot.db').resolve()}"


class SettingsError(Exception):
    """The settings are invalid; the message names each bad setting and never echoes its value."""


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, turning validation errors into one readable message."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors(include_input=False, include_url=False):
            name = str(item["loc"][0]) if item["loc"] else "settings"
            variable = name.upper() if name.upper().startswith("DISCORD_") else f"BRIEFBOT_{name.upper()}"
            problems.append(f"{variable}: {item['msg']}")
        raise SettingsError("invalid settings: " + "; ".join(problems)) from None
