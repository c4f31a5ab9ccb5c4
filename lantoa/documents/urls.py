from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("", views.template_list, name="templates"),
    path("upload/", views.template_upload, name="upload"),
    path("default/", views.default_download, name="default"),
    path("sample/", views.sample, name="sample"),
    path("<int:pk>/download/", views.template_download, name="download"),
    path("<int:pk>/sample/", views.sample, name="sample"),
    path("<int:pk>/activate/", views.activate, name="activate"),
]
