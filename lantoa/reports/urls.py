from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("library/", views.library, name="library"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/accept/", views.report_accept, name="accept"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/files/", views.file_rows, name="files"),
    path("<int:pk>/files/new/", views.file_new, name="file_new"),
    path("files/<int:pk>/", views.file_download, name="download"),
]
