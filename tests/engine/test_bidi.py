from kesher.engine.bidi import FSI, PDI, isolate


def test_the_marks_are_the_first_strong_isolate_and_its_end():
    assert (FSI, PDI) == ("\u2068", "\u2069")


def test_text_written_the_other_way_is_isolated():
    assert isolate("Selling my Jeep Wrangler, 2019", rtl=True) == (
        "\u2068Selling my Jeep Wrangler, 2019\u2069"
    )
    assert isolate("אבי רוזן", rtl=False) == "\u2068אבי רוזן\u2069"
    # Arabic letters read right to left too.
    assert isolate("مرحبا", rtl=False) == "\u2068مرحبا\u2069"


def test_mixed_text_is_isolated_in_either_sentence():
    mixed = "10 כסאות ל-CloudPeak"
    assert isolate(mixed, rtl=True) == f"\u2068{mixed}\u2069"
    assert isolate(mixed, rtl=False) == f"\u2068{mixed}\u2069"


def test_text_written_the_sentences_way_or_without_letters_is_left_alone():
    assert isolate("אבי רוזן", rtl=True) == "אבי רוזן"
    assert isolate("Avi Rosen", rtl=False) == "Avi Rosen"
    assert isolate("2018–2020", rtl=True) == "2018–2020"
    assert isolate("", rtl=True) == ""
