from tests.people.conftest import _english, fast_password_hashing, other_web, web

__all__ = ["_english", "fast_password_hashing", "other_web", "web"]
