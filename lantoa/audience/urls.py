from django.urls import path

from lantoa.audience import views

app_name = "audience"

urlpatterns = [
    path("", views.person_list, name="list"),
]
