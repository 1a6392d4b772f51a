from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal.views import system

urlpatterns = [
    path("", include("portal.portal_urls")),
    path("requisitions/", include("requisitions.urls")),
    path("candidates/", include("candidates.urls")),
    path("offers/", include("offers.urls")),
    path("vendors/", include("vendors.urls")),
    path("onboarding/", include("onboarding.urls")),
    path("dashboards/", include("analytics.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("healthz", system.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
