"""Settings from the environment (prefix LIANJIE_) and an optional .env file."""

from __future__ import annotations

from email.utils import formataddr
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.domain import Language, Route
from core.exceptions import LianjieInputError

# What each provider needs; with all of them set, its route is in use.
PROVIDER_SETTINGS: dict[Route, tuple[str, ...]] = {
    Route.wecom: ("wecom_corp_id", "wecom_secret", "wecom_agent_id"),
    Route.dingtalk: ("dingtalk_app_key", "dingtalk_app_secret", "dingtalk_agent_id"),
    Route.aliyun_sms: (
        "aliyun_sms_access_key_id",
        "aliyun_sms_access_key_secret",
        "aliyun_sms_sign_name",
    ),
    Route.tencent_sms: (
        "tencent_sms_secret_id",
        "tencent_sms_secret_key",
        "tencent_sms_sdk_app_id",
        "tencent_sms_sign_name",
    ),
}


class Settings(BaseSettings):
    """Where lianjie keeps its data, which policy it applies and how it sends messages."""

    # A bad setting's error never quotes the input: it holds every secret of the environment.
    model_config = SettingsConfigDict(
        env_prefix="LIANJIE_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    data_dir: Path = Path("data")
    database_url: SecretStr | None = None
    output_dir: Path | None = None
    policy: Path | None = None
    roster: str | None = None  # the HR export a scheduled cycle reads: a path, or hr:table=…
    families: Path | None = None  # the family-contacts file a scheduled cycle reads (家庭助廉)
    hr_database_url: SecretStr | None = None  # read by roster sources hr:table=… / hr:query=…
    # How long the HR database's query may run, and a transaction sit idle, before the server
    # ends it: a query that never returns fails the run instead of hanging it.
    hr_statement_timeout_seconds: int = Field(default=300, gt=0)
    hr_idle_timeout_seconds: int = Field(default=60, gt=0)
    calendar_overrides: Path | None = None
    drop_dir: Path | None = None  # completion files put here are collected by the schedule
    smtp_url: SecretStr | None = None
    smtp_from: str = "lianjie@localhost"
    # Where the Prefect server's alerts go (`lianjie alerts --apply`): a group robot's address
    # carries its key, so it is a secret.
    alert_webhook_url: SecretStr | None = None
    sms_url: SecretStr | None = None
    # The work apps and the template-SMS clouds: each is in use when its settings are all set.
    # The *_API_URL settings exist for a private deployment (政务微信, 浙政钉) or a local fake.
    wecom_api_url: str = "https://qyapi.weixin.qq.com"
    wecom_corp_id: str | None = None
    wecom_secret: SecretStr | None = None
    wecom_agent_id: int | None = None
    dingtalk_api_url: str = "https://oapi.dingtalk.com"
    dingtalk_app_key: str | None = None
    dingtalk_app_secret: SecretStr | None = None
    dingtalk_agent_id: int | None = None
    aliyun_sms_api_url: str = "https://dysmsapi.aliyuncs.com"
    aliyun_sms_access_key_id: str | None = None
    aliyun_sms_access_key_secret: SecretStr | None = None
    aliyun_sms_sign_name: str | None = None
    tencent_sms_api_url: str = "https://sms.tencentcloudapi.com"
    tencent_sms_secret_id: str | None = None
    tencent_sms_secret_key: SecretStr | None = None
    tencent_sms_sdk_app_id: str | None = None
    tencent_sms_sign_name: str | None = None
    tencent_sms_region: str = "ap-guangzhou"
    sms_signature: str | None = None  # opens every text; empty means 【<organisation>】
    smtp_from_name: str | None = None  # the e-mails' sender name; empty means the organisation
    discipline_email: str | None = None  # the discipline inspection body: the admonition list
    organiser_email: str | None = None  # gets sign-in sheets of programmes without an organiser
    # The organisation department: the level above a unit's top leader, told when a top
    # leader's (or, after the last grace period, a team member's) own education is overdue.
    organisation_email: str | None = None
    confidential_password: SecretStr | None = None  # encrypts the admonition list's PDF
    # Where the output folder is served over HTTP (e.g. https://intranet/lianjie-reports):
    # artifacts in the Prefect UI then link the PDFs there.
    reports_url: str | None = None
    # The reports site (`lianjie web`): the key its session cookies are signed with (empty: one
    # made on first start and kept in the data folder, readable by its owner only), and how
    # long a sign-in lasts.
    web_secret: SecretStr | None = None
    web_session_minutes: int = Field(default=60, gt=0, le=24 * 60)
    # Where `lianjie web` listens; an address beyond loopback is refused unless `web_proxy`
    # says the organisation's reverse proxy (TLS) stands in front of it.
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8400, gt=0, lt=65536)
    web_proxy: bool = False
    # The largest roster or completion file read (a larger one is refused whole, exit 2).
    max_file_mb: int = Field(default=100, gt=0)
    max_rows: int = Field(default=500_000, gt=0)
    max_columns: int = Field(default=200, gt=0)
    # Reports fanned out over workers: a chunk's run taken by a worker and not ended after this
    # long is taken for dead (its worker killed without Prefect noticing) and run again.
    chunk_deadline_seconds: int = Field(default=3600, gt=0)
    timezone: str = "Asia/Shanghai"
    organisation: str = "示范市"
    lang: Language = Language.zh
    # Every PDF lianjie writes is archival (PDF/A-3u: fonts embedded, data inside) unless this
    # names another PDF/A variant or says `plain`.
    pdf_variant: str = "pdf/a-3u"

    def confidential_password_for_reading(self) -> str | None:
        """The password a sealed workbook that comes back is opened with, if any."""
        password = self.confidential_password
        return password.get_secret_value() if password else None

    def confidential_password_for_output(self) -> str | None:
        """The password confidential outputs are encrypted with; None writes them in clear, in
        folders of their owner's only, which is refused where the reports folder is served."""
        if self.confidential_password is not None:
            return self.confidential_password.get_secret_value()
        if self.reports_url:
            raise LianjieInputError(
                "LIANJIE_REPORTS_URL serves the reports folder, and a confidential output (the "
                "admonition list, a confidential record, an admonition sign-in sheet) is "
                "written there only encrypted: set LIANJIE_CONFIDENTIAL_PASSWORD"
            )
        return None

    @field_validator("pdf_variant")
    @classmethod
    def _known_variant(cls, value: str) -> str:
        known = ("plain", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4b")
        if value.strip().casefold() not in known:
            raise ValueError(f"{value!r} is not one of {', '.join(known)}")
        return value.strip().casefold()

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"LIANJIE_TIMEZONE={value!r} is not a time zone; use a name like Asia/Shanghai"
            ) from None
        return value

    @field_validator("confidential_password")
    @classmethod
    def _real_password(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            raise ValueError(
                "LIANJIE_CONFIDENTIAL_PASSWORD is set but empty: a PDF 'encrypted' with it "
                "opens without a password; set a real one, or unset it"
            )
        return value

    @field_validator("smtp_url")
    @classmethod
    def _smtp_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlsplit(value.get_secret_value()).scheme not in {"smtp", "smtps"}:
            raise ValueError(
                "LIANJIE_SMTP_URL must look like smtp://user:pass@host:587?starttls=1 or smtps://…"
            )
        return value

    @field_validator("alert_webhook_url")
    @classmethod
    def _webhook_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlsplit(value.get_secret_value()).scheme not in {"http", "https"}:
            raise ValueError("LIANJIE_ALERT_WEBHOOK_URL must be an http:// or https:// address")
        return value

    @field_validator("sms_url")
    @classmethod
    def _sms_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and urlsplit(value.get_secret_value()).scheme not in {"http", "https"}:
            raise ValueError("LIANJIE_SMS_URL must be an http:// or https:// endpoint")
        return value

    @field_validator(
        "wecom_api_url", "dingtalk_api_url", "aliyun_sms_api_url", "tencent_sms_api_url"
    )
    @classmethod
    def _api_scheme(cls, value: str) -> str:
        if urlsplit(value).scheme not in {"http", "https"} or not urlsplit(value).hostname:
            raise ValueError(f"{value!r} is not an http:// or https:// address")
        return value.rstrip("/")

    @field_validator(*(n for names in PROVIDER_SETTINGS.values() for n in names), mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # `LIANJIE_WECOM_SECRET=` is no secret: the provider is then half set up, and said so.
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _whole_providers(self) -> Settings:
        for route, names in PROVIDER_SETTINGS.items():
            given = [n for n in names if getattr(self, n) is not None]
            # An address of its own given means the provider is meant to be used.
            if f"{route}_api_url" in self.model_fields_set and not given:
                given = [f"{route}_api_url"]
            if given and len(given) < len(names):
                missing = ", ".join(f"LIANJIE_{n.upper()}" for n in names if n not in given)
                raise LianjieInputError(f"{route} is half set up: {missing} missing")
        return self

    @property
    def text_routes(self) -> list[Route]:
        """The routes a text message can take here: the providers set up, and the SMS gateway
        (or the file outbox) always."""
        set_up = [
            route
            for route, names in PROVIDER_SETTINGS.items()
            if all(getattr(self, n) is not None for n in names)
        ]
        # With a provider set up, the file outbox is no route: a text that no provider can take
        # fails, said, instead of going quietly into a folder. The gateway stays a route.
        gateway = [Route.sms_gateway] if self.sms_url is not None or not set_up else []
        return [*set_up, *gateway]

    @property
    def db_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data folder."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{(self.data_dir / 'lianjie.db').resolve()}"

    @property
    def reports_dir(self) -> Path:
        """Where PDFs go."""
        return self.output_dir or self.data_dir / "reports"

    @property
    def outbox_dir(self) -> Path:
        """Where the file channel writes messages when no SMTP or SMS gateway is configured."""
        return self.data_dir / "outbox"

    @property
    def signature(self) -> str:
        """The text messages' signature, 【示范市】 unless LIANJIE_SMS_SIGNATURE says otherwise."""
        return self.sms_signature or f"【{self.organisation}】"

    @property
    def sender(self) -> str:
        """The From of e-mails: a display name and the address."""
        return formataddr((self.smtp_from_name or self.organisation, self.smtp_from), "utf-8")

    @property
    def zone(self) -> ZoneInfo:
        """The organisation's time zone."""
        return ZoneInfo(self.timezone)
