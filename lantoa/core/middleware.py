import unicodedata

from django.http import QueryDict


def _nfc_querydict(qd: QueryDict) -> QueryDict:
    out = QueryDict(mutable=True, encoding=qd.encoding)
    for key, values in qd.lists():
        out.setlist(unicodedata.normalize("NFC", key), [unicodedata.normalize("NFC", v) for v in values])
    out._mutable = False
    return out


class NFCInputMiddleware:
    """Every text input arrives NFC-normalised: 'Hồng' typed as NFD on one keyboard equals NFC on another."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = _nfc_querydict(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            # Lazily, when the view first reads POST: reading it here would parse a whole upload before an
            # upload view can put its size limit in place (a 200 MB file would be spooled, then refused).
            load = request._load_post_and_files

            def load_nfc():
                load()
                request._post = _nfc_querydict(request._post)

            request._load_post_and_files = load_nfc
        return self.get_response(request)


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the user chose English with the switch: an English browser on an office PC
    must not turn the interface English (Accept-Language is ignored on purpose)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
