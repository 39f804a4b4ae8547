# Django's Arabic locale has a short date but no short date-time: without this, times fall
# back to the American "m/d/Y P". The right-to-left marks keep the day first when read RTL.
SHORT_DATETIME_FORMAT = "d\u200f/m\u200f/Y H:i"
