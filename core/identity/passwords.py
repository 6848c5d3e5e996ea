"""Password hashing with Argon2id (argon2-cffi)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# A cheaper hasher for demo and test accounts created in bulk (still Argon2id, still salted).
_fast = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def hash_password(password: str, fast: bool = False) -> str:
    return (_fast if fast else _hasher).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
