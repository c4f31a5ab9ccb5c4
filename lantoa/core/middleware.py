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
            request.POST = _nfc_querydict(request.POST)
        return self.get_response(request)
