"""Writes to the content library: save an item (a new version when its file, text or link changes),
send it for review, approve or reject it. State changes are conditional updates; every write is
audited; a reviewer never decides on their own content."""

import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lantoa.accounts.roles import CONTENT_REVIEWERS, READ_ONLY, has_role
from lantoa.content.models import ContentItem, ContentReview, ContentVersion
from lantoa.core.models import AuditLog
from lantoa.core.services import audit_log, diff, snapshot
from lantoa.core.text import nfc, search_key
from lantoa.orgs.access import scope_for

DEFAULT_MAX_UPLOAD_MB = 50


def max_upload_mb() -> int:
    """The upload limit (settings.CONTENT_MAX_UPLOAD_MB, 50 MB by default: a short MP4 clip fits)."""
    return int(getattr(settings, "CONTENT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))


def _zip_has(head: bytes, upload, member: str) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        upload.seek(0)
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


# Extension → (what the content must look like, a name for the message).
def _is_pdf(head, upload):
    return head.startswith(b"%PDF")


def _is_docx(head, upload):
    return _zip_has(head, upload, "word/document.xml")


def _is_pptx(head, upload):
    return _zip_has(head, upload, "ppt/presentation.xml")


def _is_jpeg(head, upload):
    return head.startswith(b"\xff\xd8\xff")


def _is_png(head, upload):
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_mp4(head, upload):
    return head[4:8] == b"ftyp"


FILE_TYPES = {
    ".pdf": (_is_pdf, "PDF"),
    ".docx": (_is_docx, "DOCX"),
    ".pptx": (_is_pptx, "PPTX"),
    ".jpg": (_is_jpeg, "JPG"),
    ".jpeg": (_is_jpeg, "JPG"),
    ".png": (_is_png, "PNG"),
    ".mp4": (_is_mp4, "MP4"),
}


def check_upload(upload) -> None:
    """A PDF, DOCX, PPTX, JPG/PNG or MP4 file whose content is what its name says, within the size limit."""
    ext = os.path.splitext(upload.name or "")[1].lower()
    if ext not in FILE_TYPES:
        raise ValidationError(
            {
                "file": _("File: only PDF, DOCX, PPTX, JPG, PNG or MP4 files can be added (this one is “%(name)s”).")
                % {"name": upload.name}
            }
        )
    limit = max_upload_mb()
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({"file": _("File: the file is larger than %(max)s MB.") % {"max": limit}})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    check, label = FILE_TYPES[ext]
    if not check(head, upload):
        raise ValidationError(
            {
                "file": _("File: “%(name)s” is not a real %(type)s file (its content does not match its name).")
                % {"name": upload.name, "type": label}
            }
        )


def may_write(user) -> bool:
    return getattr(user, "is_authenticated", False) and not has_role(user, READ_ONLY) and not scope_for(user).is_empty


def may_review(user) -> bool:
    return getattr(user, "is_authenticated", False) and has_role(user, CONTENT_REVIEWERS)


def _check_writer(actor, unit_id) -> None:
    if actor is None:
        return
    if not may_write(actor):
        raise ValidationError(_("Your account may only read the content library."))
    scope = scope_for(actor)
    if not scope.sees_all and unit_id not in scope.unit_ids:
        raise ValidationError({"unit": _("You may only keep content of your own unit or the units under it.")})


def _state(item: ContentItem, topics=None) -> dict:
    data = snapshot(item)
    for key in ("search_key", "updated_at"):
        data.pop(key, None)
    names = [t.name for t in (topics if topics is not None else item.topics.all())]
    data["topics"] = "; ".join(sorted(names))
    return data


@dataclass
class SaveResult:
    item: ContentItem
    new_version: bool
    back_to_draft: bool  # it was approved (or in review) and the change sends it back to draft


@transaction.atomic
def content_save(*, actor, item: ContentItem, topics=None, upload=None, note: str = "") -> SaveResult:
    """Create or edit an item. A changed file, text or link makes a new version; any change to an
    approved item (or one waiting for review) puts it back to draft: it must be reviewed again."""
    old = ContentItem.objects.select_for_update().filter(pk=item.pk).first() if item.pk else None
    creating = old is None
    topics = list(topics) if topics is not None else (list(old.topics.all()) if old else [])
    before = _state(old) if old else {}

    item.title = " ".join(nfc(item.title).split())
    item.summary = nfc(item.summary).strip()
    item.body = nfc(item.body).strip()
    item.link = (item.link or "").strip()
    errors: dict[str, list] = {}
    if not item.title:
        errors.setdefault("title", []).append(_("Title: give the content a title."))
    if not item.unit_id:
        errors.setdefault("unit", []).append(_("Owner unit: choose the unit that owns the content."))
    if item.kind not in ContentItem.Kind.values:
        errors.setdefault("kind", []).append(_("Kind: choose what kind of content this is."))
    if item.kind == ContentItem.Kind.VIDEO and not item.link and upload is None and not (old and old.file):
        errors.setdefault("link", []).append(_("Link: a video needs its link (or an MP4 file)."))
    if item.kind == ContentItem.Kind.SMS and not item.body:
        errors.setdefault("body", []).append(_("Text: an SMS template needs its text."))
    if errors:
        raise ValidationError(errors)
    _check_writer(actor, item.unit_id)
    if old is not None and old.unit_id != item.unit_id:
        _check_writer(actor, old.unit_id)
    if upload is not None:
        check_upload(upload)

    content_changed = creating or upload is not None or (old.body != item.body) or (old.link != item.link)
    if upload is not None:
        item.file.save(upload.name, upload, save=False)
        item.file_name = nfc(os.path.basename(upload.name))[:255]
    elif old is not None:
        item.file, item.file_name = old.file, old.file_name
    # Fields the form does not carry stay as they were.
    if old is not None:
        for name in ("status", "reason", "author_id", "reviewer_id", "submitted_at", "reviewed_at", "approved_at"):
            setattr(item, name, getattr(old, name))
        item.version_number = old.version_number
        item.is_demo = old.is_demo
    elif getattr(actor, "is_authenticated", False):
        item.author = actor

    after_fields = _state(item, topics)
    changed = creating or bool(diff(before, after_fields))
    back_to_draft = False
    if not creating and changed and old.status in (ContentItem.Status.APPROVED, ContentItem.Status.IN_REVIEW):
        item.status = ContentItem.Status.DRAFT
        item.submitted_at = None
        back_to_draft = True
    if content_changed:
        item.version_number += 1
    item.search_key = search_key(f"{item.title} {item.summary} {item.body}")[:600]
    item.full_clean(exclude=["file"])
    item.save()
    item.topics.set(topics)
    if content_changed:
        ContentVersion.objects.create(
            item=item,
            number=item.version_number,
            file=item.file.name or "",
            file_name=item.file_name,
            body=item.body,
            link=item.link,
            note=nfc(note).strip()[:300],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
    after = _state(item, topics)
    if creating:
        audit_log(actor=actor, action=AuditLog.Action.CREATE, obj=item, after=after, verb="content_save")
    elif diff(before, after):
        audit_log(actor=actor, action=AuditLog.Action.UPDATE, obj=item, before=before, after=after, verb="content_save")
    return SaveResult(item, content_changed, back_to_draft)


def _transition(item: ContentItem, old: tuple, new: str, **fields) -> tuple[ContentItem, dict]:
    """Conditional update: only one of two clicks (or two reviewers) moves the item."""
    changed = ContentItem.objects.filter(pk=item.pk, status__in=old).update(status=new, **fields)
    if changed != 1:
        raise ValidationError(_("Someone changed this content in the meantime: reload the page."))
    before = {"status": item.status}
    item.refresh_from_db()
    return item, before


@transaction.atomic
def content_submit(*, actor, item: ContentItem) -> ContentItem:
    """Draft or rejected → in review."""
    _check_writer(actor, item.unit_id)
    if item.status not in (ContentItem.Status.DRAFT, ContentItem.Status.REJECTED):
        raise ValidationError(_("Only a draft or a rejected item can be sent for review."))
    if not (item.body or item.file or item.link):
        raise ValidationError({"file": _("File: add a file, a text or a link before sending it for review.")})
    item, before = _transition(
        item,
        (ContentItem.Status.DRAFT, ContentItem.Status.REJECTED),
        ContentItem.Status.IN_REVIEW,
        submitted_at=timezone.now(),
        reason="",
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=item,
        before=before,
        after={"status": item.status},
        verb="content_submit",
    )
    return item


def _check_reviewer(actor, item: ContentItem) -> None:
    if not may_review(actor):
        raise ValidationError(
            _("Only the coordinator, the insurance office, the culture office or an administrator may review content.")
        )
    if actor.pk is not None and actor.pk in {item.author_id, _current_version_author(item)}:
        raise ValidationError(
            _("You wrote this content: someone else must review it. A reviewer may not approve their own content.")
        )
    scope = scope_for(actor)
    if not scope.sees_all and item.unit_id not in scope.unit_ids:
        raise ValidationError(_("You may only review content of your own unit or the units under it."))


def _current_version_author(item: ContentItem):
    version = item.versions.filter(number=item.version_number).first()
    return version.created_by_id if version else None


def _decide(*, actor, item: ContentItem, decision: str, reason: str = "") -> ContentItem:
    _check_reviewer(actor, item)
    if item.status != ContentItem.Status.IN_REVIEW:
        raise ValidationError(_("Only content waiting for review can be approved or rejected."))
    now = timezone.now()
    fields = {"reviewer": actor, "reviewed_at": now, "reason": reason}
    if decision == ContentReview.Decision.APPROVED:
        fields["approved_at"] = now
    item, before = _transition(item, (ContentItem.Status.IN_REVIEW,), decision, **fields)
    ContentReview.objects.create(
        item=item,
        version=item.versions.filter(number=item.version_number).first(),
        reviewer=actor,
        decision=decision,
        reason=reason,
        at=now,
    )
    audit_log(
        actor=actor,
        action=AuditLog.Action.UPDATE,
        obj=item,
        before=before,
        after={"status": item.status, "reason": reason},
        verb=f"content_{decision}",
        note=reason,
    )
    return item


@transaction.atomic
def content_approve(*, actor, item: ContentItem) -> ContentItem:
    return _decide(actor=actor, item=item, decision=ContentReview.Decision.APPROVED)


@transaction.atomic
def content_reject(*, actor, item: ContentItem, reason: str) -> ContentItem:
    reason = nfc(reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: say why the content is rejected, so the author can fix it.")})
    return _decide(actor=actor, item=item, decision=ContentReview.Decision.REJECTED, reason=reason)
