"""The default cache on Redis that fails open to this process's memory.

The cache holds what can be lost: the sign-in rate limits (allauth) and used TOTP codes.
When Redis cannot be reached, every call goes to a local-memory cache of this process
instead, so sign-in keeps working and keeps being throttled, per process (with three
gunicorn workers, up to three times the configured attempts). After a failure, Redis is
tried again every ``RETRY_AFTER`` seconds, not on every call, so an outage costs one
connection attempt per process in that time. Counts kept during an outage stay local;
they are not copied to Redis when it is back. Choice and consequences: docs/operations.md.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, ClassVar

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger("aims.cache")

UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class FailOpenRedisCache(RedisCache):
    RETRY_AFTER: ClassVar[float] = 5.0
    # Shared by every thread of the process (Django makes a cache object per thread).
    _down_until: ClassVar[float] = 0.0
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        params = dict(params)
        # A Redis host that vanished must not hold a request for long.
        params["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 2} | dict(
            params.get("OPTIONS") or {}
        )
        super().__init__(server, params)
        self._fallback = LocMemCache(
            "aims-redis-fallback",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )

    @classmethod
    def reset_outage(cls) -> None:
        """Try Redis on the next call (tests; nothing else needs it)."""
        cls._down_until = 0.0

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        cls = type(self)
        if time.monotonic() < cls._down_until:
            return getattr(self._fallback, name)(*args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNREACHABLE as exc:
            with cls._lock:
                if time.monotonic() >= cls._down_until:
                    logger.warning(
                        "Redis cache unreachable (%s: %s): using this process's memory, "
                        "retrying in %ss",
                        type(exc).__name__,
                        exc,
                        cls.RETRY_AFTER,
                    )
                cls._down_until = time.monotonic() + cls.RETRY_AFTER
            return getattr(self._fallback, name)(*args, **kwargs)

    # Every operation of Django's Redis backend; the rest of BaseCache is built on them.
    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear")
