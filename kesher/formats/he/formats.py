# Django's Hebrew formats set a thousands separator but no grouping, so 95000 stayed unreadable.
NUMBER_GROUPING = 3
# Django's Hebrew dates already say "13 באוגוסט 2026" (DATE_FORMAT "j בF Y"); a date and time
# gets the comma the English one has.
DATETIME_FORMAT = "j בF Y, H:i"
