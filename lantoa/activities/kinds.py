"""The forms of communication the plan names (R2.1), the channel each uses, and which count as modern
(§II.2.4: social media, short video, digital services) for indicator T6."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONFERENCE = "conference", _("Conference")
    SEMINAR = "seminar", _("Seminar")
    DIALOGUE = "dialogue", _("Dialogue")
    TALK = "talk", _("Talk")
    CONSULTATION = "consultation", _("Direct consultation")
    TRAINING = "training", _("Training session")
    SMALL_GROUP = "small_group", _("Small-group meeting")
    HOUSEHOLD_VISIT = "household_visit", _("Household visit")
    PRESS_PIECE = "press_piece", _("Press, TV or radio piece")
    VISUAL = "visual", _("Visual materials (leaflets, banners, panels…)")
    GIFT = "gift", _("Gift items carrying messages")
    THEATRE = "theatre", _("Theatre or contest")
    SOCIAL_POST = "social_post", _("Social-media post or video")
    CUSTOMER_CARE = "customer_care", _("Customer-care contact")
    VSSID = "vssid", _("VssID installation guidance")


class Channel(models.TextChoices):
    DIRECT = "direct", _("In person")
    PRESS = "press", _("Press, TV, radio")
    VISUAL = "visual", _("Visual")
    PHONE = "phone", _("Phone")
    FACEBOOK = "facebook", _("Facebook")
    ZALO = "zalo", _("Zalo")
    YOUTUBE = "youtube", _("YouTube")
    TIKTOK = "tiktok", _("TikTok")
    WEBSITE = "website", _("Web portal")
    APP = "app", _("Mobile app (VssID)")


MODERN_CHANNELS = {Channel.FACEBOOK, Channel.ZALO, Channel.YOUTUBE, Channel.TIKTOK, Channel.WEBSITE, Channel.APP}

DEFAULT_CHANNEL = {
    Kind.PRESS_PIECE: Channel.PRESS,
    Kind.VISUAL: Channel.VISUAL,
    Kind.GIFT: Channel.VISUAL,
    Kind.SOCIAL_POST: Channel.FACEBOOK,
    Kind.CUSTOMER_CARE: Channel.PHONE,
    Kind.VSSID: Channel.APP,
}

# Meetings held with an audience: what M4, M5 and M6 count.
MEETING_KINDS = {Kind.CONFERENCE, Kind.SEMINAR, Kind.DIALOGUE, Kind.TALK, Kind.CONSULTATION, Kind.SMALL_GROUP}
# Kinds whose post needs a link and reach figures.
ONLINE_KINDS = {Kind.SOCIAL_POST}


def default_channel(kind: str) -> str:
    return DEFAULT_CHANNEL.get(kind, Channel.DIRECT)


def is_modern(channel: str) -> bool:
    return channel in MODERN_CHANNELS
