from decimal import Decimal

from kesher.engine.deals import (
    Advice,
    NextOffer,
    Ratio,
    conversion_by_disposition,
    first_deal_advice,
    loss_ownership,
    median_amount,
    next_offers,
    round_number,
    score_summary,
)

D = Decimal
FIRST_DEALS = [D("8000"), D("10000"), D("12000"), D("9000"), D("11000")]


def test_round_number_keeps_two_significant_digits():
    assert round_number(D("12340")) == D("12000")
    assert round_number(D("1860")) == D("1900")
    assert round_number(D("10000.00")) == D("10000")
    assert round_number(D("7.4")) == D("7")
    assert round_number(D("0.2")) == D("1")


def test_median_amount_of_an_even_count_is_the_middle_pair_average():
    assert median_amount([D("1"), D("4"), D("2"), D("3")]) == D("2.50")
    assert median_amount([]) is None


def test_first_deal_above_twice_the_median_gets_advice_with_the_median_rounded():
    advice = first_deal_advice(D("25000"), FIRST_DEALS)
    assert advice == Advice(
        amount=D("25000"),
        basis="median",
        reference=D("10000.00"),
        limit=D("20000.00"),
        suggested=D("10000"),
        sample_size=5,
    )


def test_first_deal_at_the_limit_gets_no_advice():
    assert first_deal_advice(D("20000"), FIRST_DEALS) is None
    assert first_deal_advice(D("20000.01"), FIRST_DEALS) is not None


def test_the_factor_is_the_workspaces_choice():
    assert first_deal_advice(D("16000"), FIRST_DEALS, factor=D("1.5")) is not None
    assert first_deal_advice(D("16000"), FIRST_DEALS, factor=2.0) is None


def test_with_fewer_than_five_first_deals_the_threshold_decides():
    few = FIRST_DEALS[:4]
    assert first_deal_advice(D("1000000"), few) is None
    advice = first_deal_advice(D("60000"), few, threshold=D("50000"))
    assert advice == Advice(
        amount=D("60000"),
        basis="threshold",
        reference=D("50000"),
        limit=D("50000"),
        suggested=D("25000"),
        sample_size=4,
    )
    assert first_deal_advice(D("50000"), few, threshold=D("50000")) is None


def test_the_median_wins_over_the_threshold_once_there_are_five_first_deals():
    assert first_deal_advice(D("15000"), FIRST_DEALS, threshold=D("12000")) is None


def test_next_offers_follow_what_other_customers_bought_next():
    histories = [
        ["computers", "printers", "service"],
        ["computers", "printers"],
        ["computers", "service"],
        ["printers", "toner"],
        ["computers", "printers"],
    ]
    assert next_offers(histories, ["computers"]) == [
        NextOffer(product="printers", followers=3, basis="history"),
        NextOffer(product="service", followers=1, basis="history"),
    ]


def test_next_offers_never_offer_what_the_customer_has():
    histories = [["computers", "printers", "toner"], ["printers", "toner"]]
    assert next_offers(histories, ["computers", "printers"], limit=3) == [
        NextOffer(product="toner", followers=2, basis="history"),
    ]


def test_next_offers_fall_back_to_the_catalogue_cheapest_first():
    catalogue = [("service", D("500")), ("toner", D("50")), ("consulting", None), ("a", D("50"))]
    offers = next_offers([], ["computers"], limit=3, catalogue=catalogue)
    assert offers == [
        NextOffer(product="toner", followers=0, basis="catalogue"),
        NextOffer(product="a", followers=0, basis="catalogue"),
        NextOffer(product="service", followers=0, basis="catalogue"),
    ]


def test_next_offers_fill_up_from_the_catalogue_without_repeats():
    histories = [["computers", "printers"]]
    catalogue = [("printers", D("900")), ("toner", D("50")), ("computers", D("3000"))]
    assert next_offers(histories, ["computers"], limit=3, catalogue=catalogue) == [
        NextOffer(product="printers", followers=1, basis="history"),
        NextOffer(product="toner", followers=0, basis="catalogue"),
    ]


def test_next_offers_with_no_limit_are_empty():
    assert next_offers([["a", "b"]], ["a"], limit=0) == []


def test_conversion_by_disposition_counts_won_out_of_closed():
    rows = [
        ("sceptical", "won", 2),
        ("sceptical", "lost", 3),
        ("sceptical", "walked_away", 1),
        ("sceptical", "open", 7),
        ("antagonistic", "won", 1),
    ]
    assert conversion_by_disposition(rows) == {
        "sceptical": Ratio(2, 6),
        "antagonistic": Ratio(1, 1),
    }
    assert Ratio(1, 3).percent == D("33.3")
    assert Ratio(0, 0).percent is None


def test_loss_ownership_separates_outward_explanations_from_owned_ones():
    outward = ("customer", "company", "market")
    result = loss_ownership(["customer", "own", "market", "company", ""], outward)
    assert result.outward == Ratio(3, 4)
    assert result.owned == Ratio(1, 4)
    assert result.outward.percent == D("75.0")


def test_score_summary_averages_to_one_decimal():
    summary = score_summary([9, 10, 7])
    assert (summary.count, summary.average) == (3, D("8.7"))
    assert score_summary([]).average is None
