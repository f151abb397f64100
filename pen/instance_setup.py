"""Generate SECRET_KEY and PEN_ENCRYPTION_KEY once into instance/ (mode 0600) for local runs.

Run by `make run`; values already present (in files or the environment) are never replaced.
Kept free of Flask imports so it runs in a few milliseconds.
"""

import os
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"
GENERATORS = {
    "secret_key": ("SECRET_KEY", lambda: secrets.token_urlsafe(48)),
    "encryption_key": ("PEN_ENCRYPTION_KEY", lambda: Fernet.generate_key().decode()),
}


def ensure_secrets(instance_dir: Path = INSTANCE_DIR) -> list[str]:
    """Write each missing secret file; returns the names of the files created."""
    instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    created = []
    for filename, (env_name, generate) in GENERATORS.items():
        path = instance_dir / filename
        if os.environ.get(env_name) or path.exists():
            continue
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(generate() + "\n")
        created.append(filename)
    return created


WHY_KEEP = {
    "secret_key": "a new one signs everyone out",
    "encryption_key": "without it the stored API keys cannot be read",
}


def main(instance_dir: Path = INSTANCE_DIR) -> int:
    for name in ensure_secrets(instance_dir):
        print(f"Generated instance/{name} (keep it safe: {WHY_KEEP[name]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
