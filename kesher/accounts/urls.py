from django.contrib.auth.views import LogoutView
from django.urls import URLPattern, path

from kesher.accounts import views

app_name = "accounts"
urlpatterns: list[URLPattern] = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.KesherLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
