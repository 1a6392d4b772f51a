from django.urls import path

from vendors import views

app_name = "vendors"
urlpatterns = [
    path("", views.VendorListView.as_view(), name="vendor_list"),
    path("export/", views.vendor_export, name="vendor_export"),
    path("new/", views.vendor_create, name="vendor_create"),
    path("<int:pk>/", views.vendor_detail, name="vendor_detail"),
    path("<int:pk>/edit/", views.vendor_edit, name="vendor_edit"),
    path("<int:pk>/contacts/new/", views.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_pk>/remove/", views.contact_remove, name="contact_remove"),
    path("<int:pk>/clauses/<int:clause_pk>/", views.clause_toggle, name="clause_toggle"),
    path("<int:pk>/rate-cards/new/", views.rate_card_create, name="rate_card_create"),
    path("rate-cards/", views.RateCardListView.as_view(), name="rate_card_list"),
    path("rate-cards/export/", views.rate_card_export, name="rate_card_export"),
    path("rate-cards/<int:pk>/edit/", views.rate_card_edit, name="rate_card_edit"),
    path("engagements/", views.EngagementListView.as_view(), name="engagement_list"),
    path("engagements/export/", views.engagement_export, name="engagement_export"),
    path("engagements/new/", views.engagement_plan, name="engagement_plan"),
    path("engagements/new/<int:requisition_pk>/", views.engagement_create, name="engagement_create"),
    path("engagements/<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/timesheets/", views.timesheet_create, name="timesheet_create"),
    path("engagements/<int:pk>/<slug:action>/", views.engagement_act, name="engagement_act"),
    path("timesheets/", views.TimesheetListView.as_view(), name="timesheet_list"),
    path("timesheets/export/", views.timesheet_export, name="timesheet_export"),
    path("timesheets/<int:pk>/<slug:action>/", views.timesheet_act, name="timesheet_act"),
    path("invoices/", views.InvoiceListView.as_view(), name="invoice_list"),
    path("invoices/export/", views.invoice_export, name="invoice_export"),
    path("invoices/new/", views.invoice_create, name="invoice_create"),
    path("invoices/import/", views.invoice_import, name="invoice_import"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice_detail"),
    path("invoices/<int:pk>/<slug:action>/", views.invoice_act, name="invoice_act"),
    path("spend/", views.spend, name="spend"),
    path("spend/<slug:report>/", views.spend, name="spend_report"),
]
