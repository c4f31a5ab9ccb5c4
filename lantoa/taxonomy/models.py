"""Editable lists the plan speaks in: communication topics (R3.1) and target groups (R4.2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A topic of communication content (§III.1), including each reform content of Resolution 28-NQ/TW."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    reform_number = models.PositiveSmallIntegerField(
        _("reform content no."), null=True, blank=True, help_text=_("1–11 for the reform contents of 28-NQ/TW")
    )
    voluntary_bhxh = models.BooleanField(_("about voluntary BHXH"), default=False)
    needs_confirmation = models.BooleanField(_("wording to be confirmed"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name


class TargetGroup(models.Model):
    """A group the plan addresses (§IV.1, footnote ¹). Group (7) of footnote ¹ is computed, not typed."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    voluntary_group = models.PositiveSmallIntegerField(_("voluntary-BHXH group (footnote ¹)"), null=True, blank=True)
    computed = models.BooleanField(_("computed from the registry"), default=False)
    # For the computed "payment coming due" group: how many days ahead of the due date a person is in it.
    due_window_days = models.PositiveSmallIntegerField(
        _("days before the due date"), null=True, blank=True, help_text=_("Only for the computed group (7)")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def __str__(self):
        return self.name
