"""Settings shared by every deployment of Ukai.

Everything that differs between machines comes from the environment (``UKAI_*``,
``DATABASE_URL``, ``PORT``); see ``docs/operations/configuration.md``.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO

# Django ships no Tagalog locale; Ukai's own catalogue provides the strings.
LANG_INFO.setdefault(
    "tl", {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"}
)

BASE_DIR = Path(__file__).resolve().parents[2]  # src/ukai
PROJECT_DIR = BASE_DIR.parents[1]
DATA_DIR = Path(os.environ.get("UKAI_DATA_DIR", PROJECT_DIR / "var")).resolve()
MEDIA_ROOT = DATA_DIR / "media"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


SECRET_KEY = os.environ.get("UKAI_SECRET_KEY", "")
DEBUG = env_bool("UKAI_DEBUG", False)
ALLOWED_HOSTS = env_list("UKAI_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("UKAI_CSRF_TRUSTED_ORIGINS", [])

# Which of the three separated network zones (三層分離) this instance serves:
# "all" (development, one process), "internet" (public) or "lgwan" (staff).
UKAI_ZONE = os.environ.get("UKAI_ZONE", "all")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Serves the API docs (Swagger UI) from static files, not a CDN: closed networks.
    "ninja",
    "ukai.core",
    "ukai.procedures",
    "ukai.plan",
    "ukai.opendata",
    "ukai.chatbot",
    "ukai.ocr",
    "ukai.minutes",
    "ukai.residents",
    "ukai.counter",
    "ukai.counter.queue",
]

MIDDLEWARE = [
    "ukai.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "ukai.core.middleware.RejectControlCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ukai.core.middleware.MetricsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ukai.config.urls"
WSGI_APPLICATION = "ukai.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ukai.core.context_processors.municipality",
            ],
        },
    },
]


def database_from_env(default_sqlite: Path) -> dict[str, object]:
    """Read ``DATABASE_URL``; default to SQLite in WAL mode in the data folder."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
        config["CONN_HEALTH_CHECKS"] = True
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": default_sqlite,
        "OPTIONS": {
            # WAL lets the web server read while the worker writes; IMMEDIATE
            # takes the write lock at BEGIN so concurrent writers queue instead
            # of failing with "database is locked" half-way through.
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASES = {"default": database_from_env(DATA_DIR / "ukai.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.Staff"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:home"

# Lockout after repeated failures (django-axes): 5 failures per user and IP
# lock the account for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "ja"
LANGUAGES = [
    ("ja", "日本語"),
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ko", "한국어"),
    ("pt-br", "Português (Brasil)"),
    ("vi", "Tiếng Việt"),
    ("tl", "Tagalog"),
    ("ne", "नेपाली"),
]
LANGUAGE_COOKIE_NAME = "ukai_language"
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

# The default cache is per process. Rate limits count in a cache every web process of the
# machine shares (gunicorn's workers): files in the data folder. Several machines share
# one counter only through a shared cache (e.g. Redis: point this alias at it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "ratelimit"),
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Largest request body Ukai accepts before a view sees it (uploads go to the
# modules' own limits, which are checked with a clear message).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOG_LEVEL = os.environ.get("UKAI_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "ukai.core.logging.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "ukai.core.logging.JsonFormatter",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# The municipality this instance serves by default (全国地方公共団体コード).
UKAI_MUNICIPALITY_CODE = os.environ.get("UKAI_MUNICIPALITY_CODE", "212016")
UKAI_API_PAGE_SIZE = 50
UKAI_API_MAX_PAGE_SIZE = 500
# A worker that has not reported within this many seconds counts as down.
UKAI_WORKER_STALE_SECONDS = 60

# E-mail to residents (application links, receipts): "console" prints them in the
# server's terminal (make run), "file" keeps them in DATA_DIR/mail, "smtp" sends them.
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
EMAIL_BACKEND = _EMAIL_BACKENDS[os.environ.get("UKAI_EMAIL_BACKEND", "console")]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("UKAI_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("UKAI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("UKAI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("UKAI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("UKAI_EMAIL_TLS", "") == "1"
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("UKAI_EMAIL_FROM", "Ukai <no-reply@localhost>")
# Residents' procedures: link e-mails per client address per hour; hand-over plugins.
UKAI_PROCEDURES_LINKS_PER_HOUR = 10
UKAI_PROCEDURES_HANDOVER = [{"engine": "inbox"}]

# AI-OCR (ukai.ocr): upload limits, the review threshold, and where PP-OCRv5 keeps its
# optimised-model cache (the package writes ./cache/ under the working directory).
UKAI_OCR_MAX_UPLOAD_BYTES = 100 * 1024 * 1024
UKAI_OCR_MAX_PAGES = 200
UKAI_OCR_REVIEW_BELOW = 0.95
UKAI_OCR_CACHE_DIR = DATA_DIR / "cache" / "ocr"
# OCR pipelines (RPA): the folders a pipeline may watch or export to (and its inbox under the
# first), and how long a file must stay unchanged before a run takes it.
UKAI_OCR_PIPELINE_ROOTS = [DATA_DIR / "ocr" / "pipelines"]
UKAI_OCR_PIPELINE_SETTLE_SECONDS = 10
# Full-page OCR (OCRmyPDF + Tesseract): languages, processes, and the time allowed per page.
UKAI_OCR_PDF_LANGUAGES = ["jpn"]
UKAI_OCR_PDF_JOBS = 1
UKAI_OCR_PDF_SECONDS_PER_PAGE = 60
# Automatic template matching (docs/adr/0089): the least score (share of a form's features in
# place) and the margin over the runner-up; uploads and page images of finished jobs kept (days).
UKAI_OCR_MATCH_MIN_SCORE = 0.12
UKAI_OCR_MATCH_MARGIN = 1.5
UKAI_OCR_RETENTION_DAYS = 90

# Open data (ukai.opendata): the map's tiles (地理院タイル; "" = markers on a plain background,
# for a closed network) and their attribution (HTML); the datastore's largest page (CKAN's rows_max).
UKAI_OPENDATA_MAP_TILE_URL = os.environ.get(
    "UKAI_OPENDATA_MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
)
UKAI_OPENDATA_MAP_TILE_ATTRIBUTION = (
    '<a href="https://maps.gsi.go.jp/development/ichiran.html">地理院タイル</a>'
)
UKAI_OPENDATA_DATASTORE_ROWS_MAX = 32_000

NINJA_PAGINATION_PER_PAGE = UKAI_API_PAGE_SIZE
NINJA_PAGINATION_MAX_LIMIT = UKAI_API_MAX_PAGE_SIZE

# AI meeting minutes (ukai.minutes): speech recognition and upload limits.
# A folder with a stronger CTranslate2 Whisper model (small, large-v3, kotoba-whisper);
# empty = Whisper base, assembled from its PyPI packages into DATA_DIR/models/whisper-base.
UKAI_MINUTES_WHISPER_MODEL = os.environ.get("UKAI_MINUTES_WHISPER_MODEL", "")
UKAI_MINUTES_ASR_THREADS = int(os.environ.get("UKAI_MINUTES_ASR_THREADS", "2"))
UKAI_MINUTES_MAX_UPLOAD_BYTES = int(os.environ.get("UKAI_MINUTES_MAX_UPLOAD_BYTES", 1024**3))
UKAI_MINUTES_MAX_SECONDS = 6 * 3600 + 600
# Hand transcription takes this many times the recording's length: the KPI's baseline for a
# meeting type without its own (set at /staff/minutes/baselines/, ADR 0098).
UKAI_MINUTES_MANUAL_FACTOR = 4.5
