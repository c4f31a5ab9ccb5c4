from django.contrib import admin
from django.urls import include, path

from lantoa.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("lantoa.accounts.urls")),
    path("areas/", include("lantoa.geo.urls")),
    path("units/", include("lantoa.orgs.urls")),
    path("plans/", include("lantoa.plans.urls")),
    path("", include("lantoa.core.urls")),
]
