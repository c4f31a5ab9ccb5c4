"""The public site (R10.1): the voluntary-BHXH rules as dated rows, "I want to join" leads with their
consent records, the contacts shown to visitors, and the hits that rate-limit the public forms."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lantoa.audience.models import Person
from lantoa.core.models import Dated
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit


class Rule(Dated):
    """One dated value of the voluntary-BHXH rules. A row applies from `valid_from` until the next row of
    the same kind, category, area and years (or its own `valid_to`); a law change is a new row."""

    class Kind(models.TextChoices):
        RATE = "rate", _("Contribution rate (share of income)")
        REFERENCE_LEVEL = "reference_level", _("Base salary / reference level (VND)")
        CEILING_MULTIPLE = "ceiling_multiple", _("Income ceiling (times the reference level)")
        POVERTY_LINE = "poverty_line", _("Rural poverty line: income floor and support base (VND)")
        SUPPORT = "support", _("State support (share of rate × poverty line)")
        LOCAL_SUPPORT = "local_support", _("Provincial support (share of rate × poverty line)")
        SUPPORT_MONTHS = "support_months", _("Most months of State support")
        PENSION_RATE = "pension_rate", _("Pension rate at a number of years")
        RETIREMENT_AGE = "retirement_age", _("Retirement age (months)")
        FUND_INTEREST = "fund_interest", _("Monthly interest for paying ahead or back")

    class Category(models.TextChoices):
        NONE = "", "—"
        POOR = "poor", _("Poor household")
        NEAR_POOR = "near_poor", _("Near-poor household")
        ETHNIC_MINORITY = "ethnic_minority", _("Ethnic minority")
        ISLAND = "island", _("Island commune")
        OTHER = "other", _("Everyone else")
        MEN = "men", _("Men")
        WOMEN = "women", _("Women")

    kind = models.CharField(_("rule"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Only for a province's own support; empty for national rules"),
    )
    years = models.PositiveSmallIntegerField(
        _("years of contribution"), null=True, blank=True, help_text=_("Only for pension rates")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, help_text=_("The law, decree or decision, with its article"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta(Dated.Meta):
        ordering = ["kind", "category", "years", "valid_from"]
        verbose_name = _("voluntary-BHXH rule")
        verbose_name_plural = _("voluntary-BHXH rules")

    def clean(self):
        from django.core.exceptions import ValidationError

        shares = {self.Kind.RATE, self.Kind.SUPPORT, self.Kind.LOCAL_SUPPORT, self.Kind.PENSION_RATE}
        if self.kind in shares and self.value is not None and not 0 <= self.value <= 1:
            raise ValidationError({"value": _("A share is written as a decimal between 0 and 1 (0.22, not 22).")})
        if self.kind == self.Kind.LOCAL_SUPPORT and self.area_id is None:
            raise ValidationError({"area": _("A province's own support names the province.")})
        if self.kind == self.Kind.PENSION_RATE and self.years is None:
            raise ValidationError({"years": _("A pension rate names the years of contribution it is for.")})
        same = Rule.objects.filter(
            kind=self.kind, category=self.category, area_id=self.area_id, years=self.years, valid_from=self.valid_from
        ).exclude(pk=self.pk)
        if same.exists():
            raise ValidationError(_("This rule already has a row from that date: correct that row instead."))

    def __str__(self):
        parts = [self.get_kind_display()]
        if self.category:
            parts.append(self.get_category_display())
        if self.years is not None:
            parts.append(f"{self.years}")
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        return f"{' · '.join(str(p) for p in parts)} = {self.value.normalize():f} ({start})"


class Lead(models.Model):
    """A visitor who asked to be called about joining voluntary BHXH. Routed to the unit of the commune
    (whose officers and collaborators see it through the access gate), with a day to call back by."""

    class Callback(models.TextChoices):
        ANY = "any", _("Any time")
        MORNING = "morning", _("Morning (7:30–11:30)")
        AFTERNOON = "afternoon", _("Afternoon (13:30–17:00)")
        EVENING = "evening", _("Evening (18:00–20:00)")

    class Outcome(models.TextChoices):
        NEW = "new", _("To call")
        CALLED = "called", _("Called")
        JOINED = "joined", _("Joined")
        NOT_INTERESTED = "not_interested", _("Not interested")

    full_name = models.CharField(_("full name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=16, help_text=_("E.164, +84…"))
    commune = models.ForeignKey(Area, verbose_name=_("commune / ward"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="leads")
    callback = models.CharField(_("best time to call"), max_length=10, choices=Callback.choices, default=Callback.ANY)
    category = models.CharField(
        _("category to advise on support"), max_length=20, choices=Rule.Category.choices[:6], blank=True
    )
    due_on = models.DateField(_("call back by"))
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, default=Outcome.NEW)
    outcome_note = models.CharField(_("note on the call"), max_length=500, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person in the registry"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # The form's one-time key: the same form sent twice is one lead.
    token = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        indexes = [models.Index(fields=["unit", "outcome"])]

    def __str__(self):
        # No name or phone: this text is kept in the audit log after a purge.
        return f"#{self.pk}"


class LeadConsent(models.Model):
    """What the visitor agreed to, per purpose, with the exact text and its version (Law 91/2025)."""

    class Purpose(models.TextChoices):
        CALLBACK = "callback", _("Be called back about voluntary BHXH")
        MESSAGES = "messages", _("Receive SMS / Zalo information about BHXH")

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    given = models.BooleanField(_("given"))
    text = models.TextField(_("text shown"))
    version = models.CharField(_("text version"), max_length=20)
    channel = models.CharField(_("channel"), max_length=20, default="web")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["lead", "purpose"]
        constraints = [models.UniqueConstraint(fields=["lead", "purpose"], name="public_consent_one_per_purpose")]

    def __str__(self):
        return f"{self.lead} {self.purpose} {self.given}"


class Contact(models.Model):
    """A contact shown on the public pages (the unit's office and hotline); edited in the administration."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL)
    hotline = models.CharField(_("hotline"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    shown = models.BooleanField(_("shown on the public pages"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("public contact")
        verbose_name_plural = _("public contacts")

    def __str__(self):
        return self.name


class Hit(models.Model):
    """One post to a public form from one address (a keyed hash, never the address itself)."""

    key = models.CharField(max_length=64, db_index=True)
    form = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["form", "key", "at"])]

    def __str__(self):
        return f"{self.form} {self.at:%Y-%m-%d %H:%M}"
