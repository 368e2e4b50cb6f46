from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from kyoso.core import views

app_name = "core"

urlpatterns = [
    path("", views.platform_home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("prefs/text-size/", views.text_size, name="text_size"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("accounts/confirm/<str:token>/", views.email_confirm, name="email_confirm"),
    path(
        "accounts/password-reset/",
        views.PasswordResetView.as_view(success_url=reverse_lazy("core:password_reset_done")),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="core/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="core/password_reset_confirm.html",
            success_url=reverse_lazy("core:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="core/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("<slug:city_slug>/", views.city_home, name="city_home"),
    path("<slug:city_slug>/map/base.geojson", views.base_map_geojson, name="base_map"),
    path("<slug:city_slug>/map/places.json", views.places_json, name="map_places"),
    path("<slug:city_slug>/map/where.json", views.where_json, name="map_where"),
    path("<slug:city_slug>/signup/", views.sign_up, name="sign_up"),
    path("<slug:city_slug>/me/", views.my_page, name="my_page"),
    path("<slug:city_slug>/me/notices/read/", views.notices_read, name="notices_read"),
    path(
        "<slug:city_slug>/me/confirm/resend/",
        views.email_confirm_resend,
        name="email_confirm_resend",
    ),
    path("<slug:city_slug>/me/consents/revoke/", views.consent_revoke, name="consent_revoke"),
    path("<slug:city_slug>/me/tokens/", views.token_create, name="token_create"),
    path(
        "<slug:city_slug>/me/tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"
    ),
    path("<slug:city_slug>/staff/", views.staff_home, name="staff_home"),
    path("<slug:city_slug>/staff/members/", views.staff_members, name="staff_members"),
    path("<slug:city_slug>/staff/audit/", views.staff_audit, name="staff_audit"),
]
