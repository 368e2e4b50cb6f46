from django.urls import path

from kyoso.evaluation import views

urlpatterns = [
    path("", views.index, name="index"),
    path("kpis/", views.kpi_list, name="kpis"),
    path("kpis/<slug:code>/", views.kpi_detail, name="kpi"),
    path("verifications/<int:pk>/", views.verification_detail, name="verification"),
    path("staff/verifications/new/", views.verification_new, name="verification_new"),
    path("staff/verifications/<int:pk>/run/", views.verification_run, name="verification_run"),
    path("staff/portfolio/", views.portfolio, name="portfolio"),
    path("staff/portfolio/<int:pk>/decide/", views.decide, name="decide"),
    path("staff/reinvestment/new/", views.reinvestment_new, name="reinvestment_new"),
]
