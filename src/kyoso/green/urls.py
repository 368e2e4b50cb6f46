from django.urls import path

from kyoso.green import views

urlpatterns = [
    path("", views.index, name="index"),
    path("companies/<int:pk>/", views.company_detail, name="company"),
    path("companies/<int:pk>/sites/", views.sites, name="sites"),
    path("companies/<int:pk>/bills/", views.activity, name="activity"),
    path("companies/<int:pk>/plan/", views.plan, name="plan"),
    path("companies/<int:pk>/report/", views.report, name="report"),
    path("companies/<int:pk>/export.csv", views.export_csv, name="export"),
    path("consortium/", views.consortium, name="consortium"),
    path("staff/factors/", views.factors, name="factors"),
    path("staff/weather/", views.weather, name="weather"),
]
