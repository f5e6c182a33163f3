"""Italian dates as Italian writes them: "6 dicembre 2026", not Django's "06 Dicembre 2026". The month comes from
the "alt. month" names (format letter E), which locale/it gives in lower case; what is not set here is Django's."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
MONTH_DAY_FORMAT = "j E"
YEAR_MONTH_FORMAT = "E Y"
