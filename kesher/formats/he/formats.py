# Django's Hebrew formats set a thousands separator but no grouping, so 95000 stayed unreadable.
NUMBER_GROUPING = 3
