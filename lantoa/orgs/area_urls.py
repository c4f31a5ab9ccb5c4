from django.urls import path

from lantoa.orgs import area_views as views

app_name = "geo"
urlpatterns = [
    path("", views.area_list, name="list"),
    path("<int:pk>/", views.area_detail, name="detail"),
    path("<int:pk>/hamlets/add/", views.hamlet_add, name="hamlet_add"),
    path("<int:pk>/hamlets/import/", views.hamlet_import, name="hamlet_import"),
]
