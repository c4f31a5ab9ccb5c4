from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.geo.models import Area
from lantoa.orgs.models import Unit
from lantoa.taxonomy.models import Topic

MAX_DURATION = 240
DURATION_MESSAGE = _("The duration must be between 1 and 240 minutes.")
DUPLICATE_MESSAGE = _("This broadcast is already in the log (same commune, date, time and title).")


class Broadcast(models.Model):
    """One broadcast on a commune's loudspeaker system, as the commune's radio book records it (R5.4).

    `commune` is the area as given: a commune or ward, or a hamlet under it. What it counts under on a
    later date (the commune that absorbed it) is worked out when reading, never stored.
    """

    commune = models.ForeignKey(
        Area,
        verbose_name=_("commune or hamlet"),
        on_delete=models.PROTECT,
        related_name="radio_broadcasts",
        limit_choices_to={"level__in": [Area.Level.COMMUNE, Area.Level.HAMLET]},
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("broadcasting unit"), on_delete=models.PROTECT, related_name="radio_broadcasts"
    )
    aired_on = models.DateField(_("aired on"), db_index=True)
    aired_at = models.TimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"),
        validators=[MinValueValidator(1, DURATION_MESSAGE), MaxValueValidator(MAX_DURATION, DURATION_MESSAGE)],
    )
    title = models.CharField(_("broadcast content"), max_length=255)
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="radio_broadcasts")
    content_used = models.ManyToManyField(
        "content.ContentItem", verbose_name=_("content used"), blank=True, related_name="radio_broadcasts"
    )
    voluntary_bhxh = models.BooleanField(
        _("about voluntary BHXH"),
        default=False,  # ticked by the entry form and the service when a chosen topic is about it
        help_text=_("Ticked (“x”) in the radio book: counts for the weekly check"),
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Accent-free title, note and commune: "phat thanh tu nguyen" finds "Phát thanh tự nguyện".
    search_key = models.CharField(max_length=600, editable=False, blank=True, db_index=True)

    class Meta:
        ordering = ["-aired_on", "-aired_at", "-id"]
        verbose_name = _("radio broadcast")
        verbose_name_plural = _("radio broadcasts")
        indexes = [models.Index(fields=["commune", "aired_on"], name="radio_commune_day_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION),
                name="radio_broadcast_duration_range",
                violation_error_message=DURATION_MESSAGE,
            ),
            # The same broadcast entered twice (a double submit). NULL times are distinct in a unique
            # index, so a broadcast without a time needs its own constraint.
            models.UniqueConstraint(
                fields=["commune", "aired_on", "aired_at", "title"],
                condition=Q(aired_at__isnull=False),
                name="radio_broadcast_unique_timed",
                violation_error_message=DUPLICATE_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["commune", "aired_on", "title"],
                condition=Q(aired_at__isnull=True),
                name="radio_broadcast_unique_untimed",
                violation_error_message=DUPLICATE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.aired_on:%d/%m/%Y} {self.commune} — {self.title}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("radio:detail", args=[self.pk])

    # What the indicator pages show for a record behind a figure.
    @property
    def record_date(self):
        return self.aired_on

    @property
    def record_place(self):
        return self.commune
