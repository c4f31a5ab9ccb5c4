"""Password rules with messages in the project's catalogue (Django's Vietnamese lacks these)."""

from django.contrib.auth.password_validation import MinimumLengthValidator as _Minimum
from django.utils.translation import ngettext


class MinimumLengthValidator(_Minimum):
    def get_error_message(self):
        return ngettext(
            "This password is too short: it must have at least %(n)d character.",
            "This password is too short: it must have at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}

    def get_help_text(self):
        return ngettext(
            "Your password must have at least %(n)d character.",
            "Your password must have at least %(n)d characters.",
            self.min_length,
        ) % {"n": self.min_length}
