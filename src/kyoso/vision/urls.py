from django.urls import path

from kyoso.vision import staff_views, views

urlpatterns = [
    path("", views.index, name="index"),
    path("print/", views.print_summary, name="print"),
    path("themes/<slug:code>/", views.theme_detail, name="theme"),
    path("measures/<int:pk>/", views.measure_detail, name="measure"),
    path("measures/<int:pk>/rate/", views.rate, name="rate"),
    path("endorse/", views.endorse, name="endorse"),
    path("comment/", views.comment, name="comment"),
    path("staff/", staff_views.staff_index, name="staff"),
    path("staff/vision/", staff_views.vision_edit, name="vision_edit"),
    path("staff/themes/new/", staff_views.theme_edit, name="theme_new"),
    path("staff/themes/<slug:code>/", staff_views.theme_edit, name="theme_edit"),
    path("staff/kpis/new/", staff_views.kpi_edit, name="kpi_new"),
    path("staff/kpis/import/", staff_views.actuals_import, name="actuals_import"),
    path("staff/kpis/export.csv", staff_views.actuals_export, name="actuals_export"),
    path("staff/kpis/<slug:code>/", staff_views.kpi_edit, name="kpi_edit"),
    path("staff/kpis/<slug:code>/actuals/", staff_views.kpi_actuals, name="kpi_actuals"),
    path("staff/kpis/<slug:code>/refresh/", staff_views.kpi_refresh, name="kpi_refresh"),
    path("staff/measures/new/", staff_views.measure_edit, name="measure_new"),
    path("staff/measures/<int:pk>/", staff_views.measure_edit, name="measure_edit"),
    path("staff/measures/<int:pk>/<slug:part>/", staff_views.measure_part, name="measure_part"),
    path("staff/endorsements/", staff_views.endorsements, name="endorsements"),
]
