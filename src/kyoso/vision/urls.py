from django.urls import path

from kyoso.vision import views

urlpatterns = [
    path("", views.index, name="index"),
    path("print/", views.print_summary, name="print"),
    path("themes/<slug:code>/", views.theme_detail, name="theme"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/rate/", views.rate, name="rate"),
    path("endorse/", views.endorse, name="endorse"),
    path("comment/", views.comment, name="comment"),
    path("staff/", views.staff_index, name="staff"),
    path("staff/vision/", views.vision_edit, name="vision_edit"),
    path("staff/themes/new/", views.theme_edit, name="theme_new"),
    path("staff/themes/<slug:code>/", views.theme_edit, name="theme_edit"),
    path("staff/kpis/new/", views.kpi_edit, name="kpi_new"),
    path("staff/kpis/import/", views.actuals_import, name="actuals_import"),
    path("staff/kpis/export.csv", views.actuals_export, name="actuals_export"),
    path("staff/kpis/<slug:code>/", views.kpi_edit, name="kpi_edit"),
    path("staff/kpis/<slug:code>/actuals/", views.kpi_actuals, name="kpi_actuals"),
    path("staff/kpis/<slug:code>/refresh/", views.kpi_refresh, name="kpi_refresh"),
    path("staff/measures/new/", views.measure_edit, name="measure_new"),
    path("staff/measures/<int:pk>/", views.measure_edit, name="measure_edit"),
    path("staff/measures/<int:pk>/<slug:part>/", views.measure_part, name="measure_part"),
    path("staff/endorsements/", views.endorsements, name="endorsements"),
]
