"""Reading the content library, always through the access gate.

Who sees what: a user reads the items of their own units (drafts, items in review, rejected ones) and
every **approved** item — approved content is the library the whole plan shares (a commune airs the
district's radio script, hands out the insurance office's leaflet). Drafts of another unit are a 404.

`where_used` and the T5 computation read activities, radio broadcasts and message templates, which come
after this app: they are imported inside the functions (all apps are loaded by then)."""

from django.db.models import Q, QuerySet

from lantoa.accounts.roles import has_role
from lantoa.content.models import ContentItem
from lantoa.content.services import may_review, may_write
from lantoa.core.text import search_key
from lantoa.orgs.access import scope_for


def content_scope(*, user) -> QuerySet:
    """Items `user` may read; every one for `user=None` (system computations)."""
    qs = ContentItem.objects.all()
    if user is None:
        return qs
    scope = scope_for(user)
    if scope.sees_all:
        return qs
    if scope.is_empty:
        return qs.none()
    return qs.filter(Q(unit__in=scope.unit_ids) | Q(status=ContentItem.Status.APPROVED))


def content_list(
    *, user, kind: str = "", topic=None, status: str = "", unit=None, q: str = "", activity=None
) -> QuerySet:
    qs = content_scope(user=user).select_related("unit", "author", "reviewer").prefetch_related("topics")
    if activity is not None:
        qs = qs.filter(activities=activity)
    if kind:
        qs = qs.filter(kind=kind)
    if topic is not None:
        qs = qs.filter(topics=topic)
    if status:
        qs = qs.filter(status=status)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if q:
        qs = qs.filter(search_key__contains=search_key(q))
    return qs


def activity_for_filter(*, user, pk: int):
    """The activity whose content the list shows (404 outside the user's scope)."""
    from lantoa.activities.selectors import activity_get

    return activity_get(user=user, pk=pk)


def content_get(*, user, pk: int) -> ContentItem:
    from django.http import Http404

    try:
        return content_scope(user=user).select_related("unit", "author", "reviewer").get(pk=pk)
    except ContentItem.DoesNotExist:
        raise Http404 from None


def may_edit(user, item: ContentItem) -> bool:
    scope = scope_for(user)
    return may_write(user) and (scope.sees_all or item.unit_id in scope.unit_ids)


def may_decide(user, item: ContentItem) -> bool:
    """Whether the review buttons are shown: a reviewer of the item's scope who did not write it."""
    if item.status != ContentItem.Status.IN_REVIEW or not may_review(user):
        return False
    version = item.versions.filter(number=item.version_number).first()
    if user.pk in {item.author_id, version.created_by_id if version else None}:
        return False
    scope = scope_for(user)
    return scope.sees_all or item.unit_id in scope.unit_ids


def review_queue(*, user) -> QuerySet:
    """Items waiting for review that `user` may decide on (never their own)."""
    if not may_review(user):
        return ContentItem.objects.none()
    return (
        content_scope(user=user)
        .filter(status=ContentItem.Status.IN_REVIEW)
        .exclude(author=user)
        .exclude(versions__created_by=user)
        .select_related("unit", "author")
        .prefetch_related("topics")
        .order_by("submitted_at", "id")
    )


def usable_content(*, user, kinds=None, keep=()) -> QuerySet:
    """Approved items the user may pick for an activity, a broadcast or a template, plus those already
    linked (`keep`: ids), so an edit does not drop them silently."""
    qs = content_scope(user=user)
    condition = Q(status=ContentItem.Status.APPROVED)
    if kinds:
        condition &= Q(kind__in=kinds)
    keep = [k for k in keep if k]
    if keep:
        condition |= Q(pk__in=keep)
    return qs.filter(condition).order_by("kind", "title")


def where_used(*, user, item: ContentItem) -> dict:
    """The activities, radio broadcasts and message templates the user may read that used the item."""
    from lantoa.activities.selectors import activity_scope
    from lantoa.messaging.selectors import template_list
    from lantoa.radio.selectors import broadcast_list

    activities = activity_scope(user=user).filter(content_used=item).select_related("area").order_by("-start_date")
    broadcasts = broadcast_list(user=user).filter(content_used=item)
    templates = template_list(user=user).filter(content=item)
    return {
        "activities": activities,
        "activity_count": activities.count(),
        "broadcasts": broadcasts,
        "broadcast_count": broadcasts.count(),
        "templates": templates,
    }


def is_reviewer(user) -> bool:
    from lantoa.accounts.roles import CONTENT_REVIEWERS

    return has_role(user, CONTENT_REVIEWERS)
