from django.urls import include, path

from analytics import views

app_name = "analytics"
urlpatterns = [
    path("", views.home, name="home"),
    path("definitions/", views.definitions, name="definitions"),
    path("ops-review/", views.ops_review, name="ops_review"),
    path("spend/", include("analytics.spend_urls")),
    path("<slug:board>/", views.board_page, name="board"),
    path("<slug:board>/lists/<slug:key>/", views.tile_list, name="tile"),
    path("<slug:board>/tables/<slug:key>/export/", views.table_export, name="table_export"),
    path("<slug:board>/<slug:section>/", views.board_page, name="board_section"),
]
