from django.contrib import admin
from django.urls import include, path

from kesher.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("kesher.accounts.urls")),
    path("workspaces/", include("kesher.workspaces.urls")),
    path("search/", include("kesher.search.urls")),
    path("directory/", include("kesher.people.directory_urls")),
    path("", include("kesher.people.urls")),
    path("", include("kesher.network.urls")),
    path("", include("kesher.introductions.urls")),
    path("", include("kesher.relationships.urls")),
    path("", include("kesher.deals.urls")),
    path("", include("kesher.core.urls")),
]
