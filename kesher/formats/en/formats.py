# Templates name their date formats (DATE_FORMAT…) so each language writes dates its own way: a
# format string hard-coded in a template gave Hebrew "13 אוגוסט 2026" where it needs
# "13 באוגוסט 2026". English keeps the day-month order the pages always used ("13 August 2026"),
# not Django's American "Aug. 13, 2026".
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
