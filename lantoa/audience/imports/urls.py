"""Import pages. Included by `lantoa/audience/urls.py` as path("import/", include(...)) inside the
"audience" namespace, so the names reverse as "audience:import_…"."""

from django.urls import path

from lantoa.audience.imports import views

urlpatterns = [
    path("", views.import_list, name="import_list"),
    path("new/", views.import_new, name="import_new"),
    path("sample/<slug:kind>.xlsx", views.import_sample, name="import_sample"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/map/", views.import_map, name="import_map"),
    path("<int:pk>/commit/", views.import_commit, name="import_commit"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/status/", views.import_status, name="import_status"),
    path("<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
