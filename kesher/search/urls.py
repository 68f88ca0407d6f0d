from django.urls import URLPattern, path

from kesher.search import views

app_name = "search"
urlpatterns: list[URLPattern] = [
    path("", views.search, name="search"),
]
