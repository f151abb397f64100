"""Small helpers the blueprints' forms and queries share."""

from sqlalchemy import func

TEXT_MAX = 191  # VARCHAR(191) in the seed schema: names, emails, titles, model ids
LIKE_ESCAPE = "\\"


def strip(value: str | None) -> str | None:
    """A WTForms filter: surrounding white space off (phones add a trailing space)."""
    return value.strip() if isinstance(value, str) else value


def normalise_newlines(value: str | None) -> str | None:
    """A WTForms filter: every line break as "\\n" (browsers send "\\r\\n")."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def escape_like(text: str) -> str:
    """`text` as literal characters inside a LIKE pattern (with `escape=LIKE_ESCAPE`)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column, text: str):
    """`column` contains `text`, case-insensitively, on every backend (% and _ are literal)."""
    return func.lower(column).like(f"%{escape_like(text.lower())}%", escape=LIKE_ESCAPE)


def human_size(size: int) -> str:
    """A size for people: "50 MB", "1.5 MB", "200 KB"."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    return f"{max(1, round(size / 1024)):g} KB"
