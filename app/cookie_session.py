"""Issue #21 P1: the signed cookie session, each cookie's signature checked once per process.

Flask checks the session cookie's HMAC signature and decodes its JSON on every request
(about 300 Python calls, a signer and a serializer built anew each time). A browser sends the
same cookie text again and again — it changes only when the session does — so a cookie this
process has verified is remembered under its exact text, with the time it was signed and its
values, and the next request bearing that same text gets a fresh session of those values.

What stays as Flask does it:
- a cookie never verified here (or altered by one character) is verified in full;
- the age limit (PERMANENT_SESSION_LIFETIME) is checked on every request, as itsdangerous
  does (older than the limit, or signed in the future: an empty session);
- a changed SECRET_KEY or SECRET_KEY_FALLBACKS forgets every remembered cookie;
- only sessions whose values are all immutable (text, numbers, booleans, None) are kept, so
  no request can change what another sees through a shared list (Flask's flashed messages,
  FAB's page history are lists: those cookies are verified every time).
The session generation (issue #18) is still compared with the database on every request
(app/security/manager.py `load_session_user`): a remembered cookie of an ended session is
refused like any other.
"""

from __future__ import annotations

import threading
import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

MAX_COOKIES = 10_000
_IMMUTABLE = (str, int, float, bool, type(None))


class KeptCookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self):
        self._lock = threading.Lock()
        self._serializer = None  # (keys, serializer)
        self._verified: dict[str, tuple[int, dict]] = {}

    def get_signing_serializer(self, app):
        if not app.secret_key:
            return None
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = self._serializer
        if kept is None or kept[0] != keys:
            with self._lock:
                kept = self._serializer = (keys, super().get_signing_serializer(app))
                self._verified = {}  # verified with other keys
        return kept[1]

    def open_session(self, app, request):
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        text = request.cookies.get(self.get_cookie_name(app))
        if not text:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        verified = self._verified
        kept = verified.get(text)
        if kept is not None:
            age = int(time.time()) - kept[0]
            return self.session_class(kept[1] if 0 <= age <= max_age else {})
        try:
            data, signed_at = serializer.loads(text, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(type(value) in _IMMUTABLE for value in data.values()):
            if len(verified) >= MAX_COOKIES:
                verified.clear()
            verified[text] = (int(signed_at.timestamp()), dict(data))
        return self.session_class(data)
