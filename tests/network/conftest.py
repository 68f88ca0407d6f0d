from tests.people.conftest import _english, other_web, web

__all__ = ["_english", "other_web", "web"]
