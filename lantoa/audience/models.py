"""The audience registry (R4): people, households, employers, staff lists, reach and statistics.

A person belongs to the unit that keeps the record (`unit`) and lives in an area (commune or hamlet,
dated). Both decide who may read the record through the access gate. Identifiers (CCCD, BHXH number,
phone) are personal data: shown in full only to roles entitled (see `selectors.may_see_personal`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lantoa.activities.models import Activity
from lantoa.core.models import Dated
from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import TargetGroup


class Sex(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class InsuranceStatus(models.TextChoices):
    NONE = "none", _("Not taking part")
    VOLUNTARY = "voluntary", _("Voluntary BHXH")
    COMPULSORY = "compulsory", _("Compulsory BHXH")
    PAUSED = "paused", _("Paused / stopped")
    PENSION = "pension", _("Drawing a pension")


class PaymentMode(models.TextChoices):
    """Voluntary-BHXH payment modes (DOMAIN.md)."""

    MONTHLY = "1m", _("Monthly")
    QUARTERLY = "3m", _("Every 3 months")
    HALF_YEARLY = "6m", _("Every 6 months")
    YEARLY = "12m", _("Every 12 months")
    YEARS_AHEAD = "ahead", _("Several years ahead")
    LUMP_SUM = "lump", _("Lump sum for missing years")


class Channel(models.TextChoices):
    """Channels a person may consent to be messaged on."""

    ALL = "all", _("SMS and Zalo")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class Household(models.Model):
    code = models.CharField(_("household book no."), max_length=30, blank=True)
    head_name = models.CharField(_("head of household"), max_length=150)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("commune or hamlet"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="households")
    search_key = models.CharField(max_length=300, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["search_key"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], condition=~Q(code=""), name="audience_household_code")
        ]

    def __str__(self):
        return f"{self.head_name} ({self.code})" if self.code else self.head_name


class Employer(models.Model):
    name = models.CharField(_("name"), max_length=300)
    tax_code = models.CharField(_("tax code"), max_length=14, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("commune or hamlet"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="employers")
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    insured_employees = models.PositiveIntegerField(_("employees with compulsory BHXH"), null=True, blank=True)
    compliance_note = models.TextField(_("compulsory-BHXH compliance note"), blank=True)
    search_key = models.CharField(max_length=300, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["search_key"]
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        constraints = [
            models.UniqueConstraint(fields=["tax_code"], condition=~Q(tax_code=""), name="audience_employer_tax_code")
        ]

    def __str__(self):
        return self.name


class Person(models.Model):
    full_name = models.CharField(_("full name"), max_length=150)
    # Accent-free lower-case name: search and duplicate detection ("nguyen van a").
    name_key = models.CharField(max_length=150, editable=False, db_index=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Always set when the birth date or at least the year is known; kept after anonymisation.
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    cccd = models.CharField(_("citizen ID (CCCD)"), max_length=12, blank=True, db_index=True)
    bhxh_number = models.CharField(_("BHXH number"), max_length=10, blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=16, blank=True, db_index=True, help_text=_("E.164, +84…"))
    phone2 = models.CharField(_("second phone"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    area = models.ForeignKey(Area, verbose_name=_("commune or hamlet"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("kept by"), on_delete=models.PROTECT, related_name="people")
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    occupation = models.CharField(_("occupation"), max_length=150, blank=True)
    groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True, related_name="people")
    insurance_status = models.CharField(
        _("insurance status"), max_length=12, choices=InsuranceStatus.choices, default=InsuranceStatus.NONE
    )
    payment_mode = models.CharField(_("payment mode"), max_length=6, choices=PaymentMode.choices, blank=True)
    next_due_date = models.DateField(_("next payment due"), null=True, blank=True)
    declared_income = models.DecimalField(
        _("declared monthly income (VND)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    # Current consent to messages; the history is in ConsentEvent.
    consent = models.BooleanField(_("agrees to messages"), default=False)
    consent_date = models.DateField(_("consent date"), null=True, blank=True)
    consent_channel = models.CharField(_("consent channel"), max_length=5, choices=Channel.choices, blank=True)
    source = models.CharField(_("source of the record"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    # A duplicate merged into another person stays as a row (history) but is never counted.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from", editable=False
    )
    # Deleted on the person's request: identifiers wiped, anonymous counts kept.
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["name_key", "birth_date"]),
            models.Index(fields=["insurance_status", "next_due_date"]),
            models.Index(fields=["area", "birth_year"]),
        ]

    def __str__(self):
        return self.full_name or str(_("(anonymised)"))

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("audience:person", args=[self.pk])

    @property
    def active(self) -> bool:
        return self.merged_into_id is None and self.anonymised_at is None


class ConsentEvent(models.Model):
    """Consent given or withdrawn (Law 91/2025): never overwritten, the person's current state follows it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_events")
    given = models.BooleanField(_("given"))
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices, default=Channel.ALL)
    date = models.DateField(_("date"))
    how = models.CharField(_("how"), max_length=200, blank=True, help_text=_("paper form, reply “TC”, by hand…"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self):
        return f"{self.person}: {'+' if self.given else '-'} {self.date}"


class StaffPosting(Dated):
    """A person on a unit's staff list (officials, leaders, communication staff): T2's and M1's people."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff")
    position = models.CharField(_("position"), max_length=150, blank=True)
    is_leader = models.BooleanField(_("leader of the unit"), default=False)
    is_official = models.BooleanField(_("official / civil servant"), default=True)
    communication = models.BooleanField(_("communication staff"), default=False)

    class Meta(Dated.Meta):
        ordering = ["unit", "-is_leader", "person__name_key"]
        verbose_name = _("staff posting")
        verbose_name_plural = _("staff lists")
        indexes = [models.Index(fields=["unit", "valid_from", "valid_to"])]

    def __str__(self):
        return f"{self.person} — {self.unit}"


class Reach(models.Model):
    """One person reached by one activity or message. Counting is always distinct by person.

    `source_key` ("a:<activity id>", "m:<message id>") makes writing the same reach twice a no-op.
    `voluntary` and `reform` are copied from the topics when written (and refreshed when an activity's
    topics change) so that T2/T3/T4 need no join to topics over millions of rows. Counts per topic go
    through the activity's topics.
    """

    class Source(models.TextChoices):
        ACTIVITY = "activity", _("Activity")
        MESSAGE = "message", _("Message")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reach")
    date = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    source_key = models.CharField(max_length=40)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="reach")
    voluntary = models.BooleanField(_("about voluntary BHXH"), default=False)
    reform = models.BooleanField(_("about the reform contents"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("reach")
        verbose_name_plural = _("reach")
        constraints = [models.UniqueConstraint(fields=["person", "source_key"], name="audience_reach_once")]
        indexes = [
            models.Index(fields=["date", "person"]),
            models.Index(fields=["voluntary", "date"]),
            # "Was this person reached on voluntary BHXH this year?" (T4, people of unknown age): without
            # it SQLite answers through (voluntary, date), i.e. the whole year per person — 8 s at 1× bench.
            models.Index(fields=["person", "voluntary", "date"], name="audience_reach_person_vol_date"),
        ]

    def __str__(self):
        return f"{self.person} ← {self.source_key} ({self.date})"


class Statistic(models.Model):
    """A denominator with its source: labour force per commune, officials or communication staff per unit."""

    class Kind(models.TextChoices):
        LABOUR_FORCE = "labour_force", _("Working-age labour force")
        OFFICIALS = "officials", _("Officials")
        COMM_STAFF = "comm_staff", _("Communication staff")

    kind = models.CharField(_("figure"), max_length=14, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    area = models.ForeignKey(Area, verbose_name=_("commune"), null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT)
    value = models.PositiveIntegerField(_("value"))
    source = models.CharField(_("source"), max_length=300)
    source_date = models.DateField(_("as of"), null=True, blank=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["kind", "year"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "area"], condition=Q(area__isnull=False), name="audience_statistic_area"
            ),
            models.UniqueConstraint(
                fields=["kind", "year", "unit"], condition=Q(unit__isnull=False), name="audience_statistic_unit"
            ),
            models.CheckConstraint(
                condition=Q(area__isnull=False) | Q(unit__isnull=False), name="audience_statistic_owner"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}: {self.value}"


class Segment(models.Model):
    """A saved filter over the registry (see `selectors.segment_people`), reused by messaging and reports."""

    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="segments")
    filters = models.JSONField(_("filters"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name


class MergeRecord(models.Model):
    """What was merged into whom, with the merged record as it was (for the audit and for undoing by hand)."""

    kept = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges")
    merged = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    merged_snapshot = models.JSONField(default=dict)
    fields_taken = models.JSONField(default=list)
    reach_moved = models.PositiveIntegerField(default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("merge of duplicates")
        verbose_name_plural = _("merges of duplicates")

    def __str__(self):
        return f"{self.merged_id} → {self.kept_id}"


class DuplicateDismissal(models.Model):
    """Two records someone checked and found to be different people: the finder stops pairing them."""

    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")  # the lower id
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="audience_dismissal_once"),
            models.CheckConstraint(condition=Q(person_a__lt=models.F("person_b")), name="audience_dismissal_order"),
        ]

    def __str__(self):
        return f"{self.person_a_id} ≠ {self.person_b_id}"


class DataRequest(models.Model):
    """A person's request about their data (see, correct, delete, withdraw consent) and how it was handled."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("See their data")
        CORRECTION = "correction", _("Correct their data")
        DELETION = "deletion", _("Delete their data")
        WITHDRAWAL = "withdrawal", _("Withdraw consent")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="data_requests")
    kind = models.CharField(_("request"), max_length=12, choices=Kind.choices)
    received = models.DateField(_("received on"))
    note = models.TextField(_("note"), blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handled_at"]
        verbose_name = _("personal-data request")
        verbose_name_plural = _("personal-data requests")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person}"


class ImportJob(models.Model):
    """One upload through map → check → write. Rows are checked in full before anything is written."""

    class Kind(models.TextChoices):
        PEOPLE = "people", pgettext_lazy("registry", "People")
        HOUSEHOLDS = "households", _("Households")
        EMPLOYERS = "employers", _("Employers")
        STAFF = "staff", _("Staff lists")
        STATISTICS = "statistics", _("Statistics")
        ATTENDANCE = "attendance", _("Attendance (people reached by an activity)")
        ACTIVITIES = "activities", _("Activities")
        RADIO = "radio", _("Radio log")
        TEAM = "team", _("Communication team")

    class Status(models.TextChoices):
        READING = "reading", _("Reading the file")
        UPLOADED = "uploaded", _("Uploaded")
        MAPPED = "mapped", _("Columns mapped")
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="imports")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    header_row = models.PositiveIntegerField(null=True, blank=True)
    signature = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    conversion = models.CharField(_("text conversion"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first errors, for the preview
    errors_file = models.FileField(upload_to="imports/errors/%Y/%m/", blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def progress(self) -> int:
        return int(self.processed_rows * 100 / self.total_rows) if self.total_rows else 0


class ColumnMapping(models.Model):
    """A unit's remembered mapping for a file layout (the header's signature)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ImportJob.Kind.choices)
    signature = models.CharField(max_length=64)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "signature"], name="audience_mapping_once")]

    def __str__(self):
        return f"{self.unit_id} {self.kind} {self.signature[:8]}"
