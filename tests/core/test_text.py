from django.utils import translation

from kesher.core.text import quoted, quoted_list


def test_english_quotes_open_high_and_close_high():
    with translation.override("en"):
        assert quoted("Quote") == "“Quote”"


def test_hebrew_quotes_open_low_as_hebrew_typography_does():
    with translation.override("he"):
        assert quoted("הצעת מחיר") == "„הצעת מחיר”"


def test_a_list_is_quoted_item_by_item_with_its_separator():
    with translation.override("he"):
        assert quoted_list(["ערך", "למה עכשיו"], separator="; ") == "„ערך”; „למה עכשיו”"
