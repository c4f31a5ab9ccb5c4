from django.urls import path

from lantoa.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("section/<slug:key>/", views.section, name="section"),
    path("audit/", views.audit_list, name="audit"),
]
