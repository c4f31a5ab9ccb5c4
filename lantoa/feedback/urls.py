from django.urls import path

from lantoa.feedback import views

app_name = "feedback"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("new/", views.item_new, name="new"),
    path("analysis/", views.analysis, name="analysis"),
    path("import/", views.item_import, name="import"),
    path("<int:pk>/", views.item_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.item_action, name="action"),
]
