from django.urls import URLPattern, path

from kesher.core import views

app_name = "core"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
]
