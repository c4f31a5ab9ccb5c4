from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from lantoa.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("lantoa.accounts.urls")),
    path("areas/", include("lantoa.orgs.area_urls")),
    path("units/", include("lantoa.orgs.urls")),
    path("plans/", include("lantoa.plans.urls")),
    path("activities/", include("lantoa.activities.urls")),
    path("radio/", include("lantoa.radio.urls")),
    path("people/", include("lantoa.audience.urls")),
    path("messages/", include("lantoa.messaging.urls")),
    path("feedback/", include("lantoa.feedback.urls")),
    path("content/", include("lantoa.content.urls")),
    path("team/", include("lantoa.team.urls")),
    path("coordination/", include("lantoa.coordination.urls")),
    path("budget/", include("lantoa.budget.urls")),
    path("documents/", include("lantoa.documents.urls")),
    path("reports/", include("lantoa.reports.urls")),
    # The public site first: "/" is its home for visitors (signed-in staff are sent on to the dashboard).
    path("", include("lantoa.public.urls")),
    path("", include("lantoa.core.urls")),
]
