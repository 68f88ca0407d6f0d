"""The currencies a workspace and its referrals' values are kept in."""

CURRENCIES = ("ILS", "USD", "EUR", "GBP")
