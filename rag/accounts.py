"""Accounts: the users file the administrator keeps (names, roles, argon2 password hashes).

The file is YAML, written by `python -m rag user add NAME` (nobody writes a hash by hand):

    users:
      zhangsan: {password: "$argon2id$…", role: user}
      admin: {password: "$argon2id$…", role: admin}

With PLAN_AUTH=oidc the identity provider checks passwords; the file (optional) then only says
who is an administrator (entries without a password, named by e-mail address).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from rag.errors import ConfigError

ROLES = ("user", "admin")
ROLE_NAMES = {"user": "普通用户", "admin": "管理员"}
MIN_PASSWORD = 8
# Names become the owner of drafts and uploads: letters, digits and a few marks (an e-mail
# address from an identity provider fits).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_hasher = PasswordHasher()


@cache
def _no_such_user() -> str:
    """Checked against when the name is unknown, so that a wrong name takes as long as a
    wrong password (made on first use: hashing takes a good part of a second)."""
    return _hasher.hash("no such user")


@dataclass(frozen=True)
class User:
    """A signed-in user: the owner of their drafts and uploads."""

    name: str
    role: str = "user"


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ConfigError(
            f"用户名“{name}”不可用：请用 1–64 个英文字母、数字或 _ . @ -，以字母或数字开头。"
        )
    return name


def hash_password(password: str) -> str:
    """An argon2id hash of the password (with its own salt), as the users file keeps it."""
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"密码至少 {MIN_PASSWORD} 个字符。")
    return _hasher.hash(password)


def load_users(path: Path) -> dict[str, dict]:
    """Each user's entry (password hash, role) from the users file."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except FileNotFoundError as e:
        raise ConfigError(
            f"找不到用户文件 {path}：请管理员运行 python -m rag user add 用户名 添加用户。"
        ) from e
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ConfigError(f"用户文件 {path} 无法读取或格式不对：{type(e).__name__}。") from e
    users = data.get("users") if isinstance(data, dict) else None
    if not isinstance(users, dict):
        raise ConfigError(f"用户文件 {path} 中没有 users: 一节。")
    return {str(name): entry if isinstance(entry, dict) else {} for name, entry in users.items()}


def _role(entry: dict) -> str:
    role = entry.get("role", "user")
    return role if role in ROLES else "user"


def authenticate(path: Path, name: str, password: str) -> User | None:
    """The user when the name and password match the users file, else None."""
    entry = load_users(path).get(name.strip())
    stored = str((entry or {}).get("password") or _no_such_user())
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(name.strip(), _role(entry)) if entry else None


def user_named(path: Path, name: str) -> User | None:
    """The user of that name in the users file now (None once removed), with their role."""
    entry = load_users(path).get(name)
    return None if entry is None else User(name, _role(entry))


def role_of(path: Path | None, name: str) -> str:
    """A user's role by the users file (for users the identity provider signed in)."""
    if path is None or not Path(path).exists():
        return "user"
    return _role(load_users(path).get(name, {}))


def add_user(path: Path, name: str, password: str, role: str = "user") -> bool:
    """Add a user, or set an existing user's password and role; True when the user is new."""
    check_name(name)
    if role not in ROLES:
        raise ConfigError(f"角色应为：{'、'.join(ROLES)}。")
    users = load_users(path) if Path(path).exists() else {}
    new = name not in users
    users[name] = {"password": hash_password(password), "role": role}
    _write(path, users)
    return new


def remove_user(path: Path, name: str) -> None:
    users = load_users(path)
    if name not in users:
        raise ConfigError(f"用户文件中没有用户“{name}”。")
    del users[name]
    _write(path, users)


def _write(path: Path, users: dict[str, dict]) -> None:
    """Replace the file whole (readable by its owner only: it holds password hashes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = (
        "# 社区工作计划助手的用户：用 python -m rag user add 用户名 添加或改密码，不要手写密码。\n"
    )
    text += yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=True)
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
