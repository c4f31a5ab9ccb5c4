from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lantoa.core.models import Dated


class Area(Dated):
    """An administrative area for a period of time. A reorganisation closes it and links successors."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        DISTRICT = 2, _("District")
        COMMUNE = 3, _("Commune / ward")
        HAMLET = 4, _("Hamlet")

    name = models.CharField(_("name"), max_length=150)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    # The official division type as written: tỉnh, huyện, xã, phường, thị trấn, ấp, khóm …
    division_type = models.CharField(_("division type"), max_length=40, blank=True)
    code = models.CharField(_("official code"), max_length=10, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    search_key = models.CharField(max_length=150, editable=False, db_index=True)
    source = models.CharField(_("source"), max_length=60, blank=True)

    class Meta(Dated.Meta):
        ordering = ["level", "search_key"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            *Dated.Meta.constraints,
            models.UniqueConstraint(
                fields=["level", "code", "valid_from"], condition=~Q(code=""), name="geo_area_code_unique"
            ),
            # NULLs are distinct in a unique index: the pre-2025 areas (no start date) need their own.
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=~Q(code="") & Q(valid_from__isnull=True),
                name="geo_area_code_unique_legacy",
            ),
            models.UniqueConstraint(
                fields=["parent", "search_key"], condition=Q(level=4), name="geo_hamlet_name_unique"
            ),
        ]

    def __str__(self):
        return self.name


class AreaSuccession(models.Model):
    """Area `predecessor` (partly, if `partial`) became part of `successor` on `effective_on`.

    A predecessor split over several successors has exactly one `primary` link: its records roll up there.
    """

    predecessor = models.ForeignKey(
        Area, verbose_name=_("former area"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Area, verbose_name=_("successor area"), on_delete=models.CASCADE, related_name="predecessions"
    )
    effective_on = models.DateField(_("effective on"))
    partial = models.BooleanField(_("only part of the area"), default=False)
    primary = models.BooleanField(_("records roll up here"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("area succession")
        verbose_name_plural = _("area successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique"),
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(primary=True), name="geo_succession_one_primary"
            ),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"
